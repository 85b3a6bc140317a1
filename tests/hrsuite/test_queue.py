"""The claim-and-retry queue the outbox and the provisioning deliveries share."""

import datetime

import pytest
from django.utils import timezone

from hrsuite.queue import ClaimQueue, backoff
from notifications.models import Notification
from tests.interviews.outbox_helpers import queue, schedule

QUEUE = ClaimQueue(
    model=Notification,
    pending=Notification.Status.PENDING,
    sending=Notification.Status.SENDING,
    due_field="due_at",
)


def test_backoff_doubles_from_its_base():
    assert [backoff(n, base_seconds=60).total_seconds() for n in (0, 1, 2, 3)] == [60, 60, 120, 240]


@pytest.mark.django_db
def test_a_row_is_claimed_once_and_only_its_claimer_finishes_it(recruiter):
    now = timezone.now()
    rows = [
        queue("invitation", schedule(recruiter), due_at=now - datetime.timedelta(seconds=s)) for s in (1, 2)
    ]
    first = QUEUE.claim(batch_size=1, now=now)
    second = QUEUE.claim(batch_size=5, now=now)
    assert [row.pk for row in first + second] == [rows[1].pk, rows[0].pk]  # earliest due first
    assert QUEUE.claim(batch_size=5, now=now) == []
    assert {row.attempts for row in first + second} == {1}

    later = now + datetime.timedelta(minutes=10)
    assert QUEUE.release(QUEUE.stale(now=later, timeout_seconds=60), now=later) == 2
    assert not QUEUE.still_mine(first[0], later)  # reclaimed meanwhile
    assert not QUEUE.finish(first[0], now=later, status=Notification.Status.SENT)
    again = QUEUE.claim(batch_size=5, now=later)
    assert QUEUE.still_mine(again[0], later)
    assert QUEUE.finish(again[0], now=later, status=Notification.Status.SENT)
    assert Notification.objects.get(pk=again[0].pk).attempts == 2
