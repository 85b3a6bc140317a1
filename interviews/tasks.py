"""Celery tasks of the interview automation: thin, take ids (or nothing), safe to run twice."""

from celery import shared_task

from notifications import tasks as notification_tasks


# The outbox's dispatch was `interviews.tasks.outbox_dispatch` before it moved to `notifications`:
# a message a running deployment queued under that name still runs. Remove in the next release.
@shared_task(name="interviews.tasks.outbox_dispatch", ignore_result=True)
def outbox_dispatch_former_name(helper: bool = False) -> dict:
    return notification_tasks.outbox_dispatch(helper=helper)


# The candidate survey's tasks, registered with the app's (beat names them by this module).
from interviews import survey_tasks  # noqa: E402, F401
