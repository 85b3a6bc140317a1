"""A rejection through a real Celery worker and SMTP server: everyone invited gets the calendar
cancellation and the candidate their message in their language, each once."""

import pytest

from interviews.models import Interview
from notifications.models import Notification
from notifications.tasks import outbox_dispatch
from onboarding.services.decisions import decision_record
from tests.celery_worker import wait_until
from tests.interviews.outbox_helpers import assign, schedule

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _calendar_methods(message) -> list[str]:
    return [p.get_param("method") for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_a_rejection_reaches_everyone_through_the_worker(
    recruiter, interviewer, smtp_server, celery_worker, settings
):
    settings.HRSUITE_REJECTION_NOTICE_HOURS = 0  # due at once, so the worker sends it now
    interview = schedule(recruiter, language="zh-hans", kind="live_video")
    assign(interview, interviewer, recruiter)
    application = interview.application
    decision_record(application=application, outcome="reject", reason="Filled internally.", actor=recruiter)
    celery_worker()

    outbox_dispatch.delay()

    sent = Notification.objects.filter(status=Notification.Status.SENT)
    wait_until(lambda: sent.count() == 3, "the two cancellations and the rejection to be sent")
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    sink = smtp_server.sink
    assert sink.accepted == 3 and sink.duplicates() == {}
    by_recipient = {}
    for message in sink.messages:
        by_recipient.setdefault(message["To"], []).append(message)
    (to_interviewer,) = by_recipient[interviewer.email]
    assert _calendar_methods(to_interviewer) == ["CANCEL"]
    to_candidate = by_recipient[application.candidate.email]
    assert sorted(m["Subject"][:6] for m in to_candidate) == ["关于您的应聘", "面试已取消："]  # noqa: RUF001
    (cancellation,) = [m for m in to_candidate if _calendar_methods(m)]
    assert _calendar_methods(cancellation) == ["CANCEL"]
