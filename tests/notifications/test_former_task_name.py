"""The outbox's dispatch task moved from `interviews` to `notifications`: a dispatch queued under
the former name by a deployment still running the old code is run by a real worker."""

import pytest

from config.celery import app
from notifications.models import Notification
from notifications.rendering import message_id
from tests.celery_worker import wait_until
from tests.interviews.outbox_helpers import queue, schedule


def test_beat_dispatches_under_the_new_name():
    assert app.conf.beat_schedule["outbox-dispatch"]["task"] == "notifications.tasks.outbox_dispatch"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_dispatch_queued_under_the_former_name_still_sends(recruiter, smtp_server, celery_worker):
    notifications = [queue("invitation", schedule(recruiter)) for _ in range(3)]
    celery_worker()

    app.send_task("interviews.tasks.outbox_dispatch")

    wait_until(
        lambda: set(Notification.objects.values_list("status", flat=True)) == {"sent"},
        "the messages to be sent by the dispatch queued under the former name",
    )
    assert smtp_server.sink.ids == {message_id(n): 1 for n in notifications}
