"""A real Celery worker (subprocess) on Redis, sending the outbox to a real SMTP server from the
test's PostgreSQL database; and a worker killed in the middle of a send."""

import os
import signal

import pytest

from notifications.models import Notification
from notifications.rendering import message_id
from notifications.tasks import outbox_dispatch
from tests.celery_worker import DEADLINE_S, wait_until
from tests.interviews.outbox_helpers import queue, schedule

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _statuses() -> dict[str, int]:
    rows = Notification.objects.values_list("status", flat=True)
    return {status: list(rows).count(status) for status in set(rows)}


def _queue_invitations(recruiter, n: int) -> list[Notification]:
    return [queue("invitation", schedule(recruiter)) for _ in range(n)]


def test_worker_sends_every_due_message_exactly_once(recruiter, smtp_server, celery_worker):
    notifications = _queue_invitations(recruiter, 20)
    celery_worker()

    outbox_dispatch.delay()
    outbox_dispatch.delay()  # a second dispatcher at the same time shares the work, not repeats it

    wait_until(lambda: _statuses() == {"sent": 20}, "every notification to be sent")
    assert smtp_server.sink.ids == {message_id(n): 1 for n in notifications}


def test_killed_worker_loses_nothing_and_sends_nothing_twice(recruiter, smtp_server, celery_worker):
    notifications = _queue_invitations(recruiter, 8)
    sink = smtp_server.sink
    sink.delay_data = 30.0  # the first DATA is held: the worker is in the middle of a send
    first = celery_worker(HRSUITE_OUTBOX_CLAIM_TIMEOUT="2")
    outbox_dispatch.delay()
    assert sink.data_started.wait(DEADLINE_S), "the worker never reached DATA"
    assert _statuses() == {"sending": 8}  # the whole batch is claimed

    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    sink.delay_data = 0.0
    assert sink.accepted == 0

    # The new worker's dispatcher keeps looking for a few seconds, so it sees the dead worker's
    # claims go stale and takes them back.
    celery_worker(HRSUITE_OUTBOX_CLAIM_TIMEOUT="2", HRSUITE_OUTBOX_DISPATCH_SECONDS="15")
    outbox_dispatch.delay()

    wait_until(lambda: _statuses() == {"sent": 8}, "every notification to be sent after the kill")
    assert sink.ids == {message_id(n): 1 for n in notifications}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {2}
