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
    assert not QUEUE.finish(first[0], now=later, status=Notification.Status.SENT)  # reclaimed meanwhile
    again = QUEUE.claim(batch_size=5, now=later)
    assert QUEUE.finish(again[0], now=later, status=Notification.Status.SENT)
    assert Notification.objects.get(pk=again[0].pk).attempts == 2


@pytest.mark.django_db
def test_a_batch_claim_is_renewed_for_every_row_still_held_in_one_update(
    recruiter, django_assert_num_queries
):
    now = timezone.now()
    rows = [queue("invitation", schedule(recruiter), due_at=now) for _ in range(3)]
    claim = QUEUE.claim_batch(batch_size=5, now=now, renew_every=datetime.timedelta(seconds=5))
    assert claim.finish(claim.rows[0], now=now, status=Notification.Status.SENT)

    with django_assert_num_queries(0):  # renewed a moment ago: nothing to do
        assert claim.holds(claim.rows[1], now=now + datetime.timedelta(seconds=4))
    later = now + datetime.timedelta(seconds=50)
    with django_assert_num_queries(1):
        assert claim.holds(claim.rows[1], now=later)
    # Both unsent rows were renewed, not only the one about to be worked: neither is stale.
    assert not QUEUE.stale(now=later + datetime.timedelta(seconds=59), timeout_seconds=60).exists()
    assert set(Notification.objects.filter(status="sending").values_list("claimed_at", flat=True)) == {later}

    much_later = later + datetime.timedelta(minutes=5)
    assert QUEUE.release(QUEUE.stale(now=much_later, timeout_seconds=60), now=much_later) == 2
    assert not claim.holds(claim.rows[2], now=much_later)  # taken back: no longer this claim's
    assert not claim.finish(claim.rows[2], now=much_later, status=Notification.Status.SENT)
    assert {row.pk for row in rows} == {row.pk for row in claim}


@pytest.mark.django_db
def test_a_batch_finishes_several_rows_in_one_update_only_while_they_are_its_own(
    recruiter, django_assert_num_queries
):
    now = timezone.now()
    for _ in range(3):
        queue("invitation", schedule(recruiter), due_at=now)
    claim = QUEUE.claim_batch(batch_size=5, now=now, renew_every=datetime.timedelta(seconds=5))
    taken = claim.rows[2]
    later = now + datetime.timedelta(minutes=5)
    QUEUE.release(QUEUE.stale(now=later, timeout_seconds=60).filter(pk=taken.pk), now=later)

    with django_assert_num_queries(1):
        finished = claim.finish_all(claim.rows, now=later, status=Notification.Status.SENT)

    assert finished == 2
    assert not claim.held
    assert dict(Notification.objects.values_list("pk", "status")) == {
        claim.rows[0].pk: "sent",
        claim.rows[1].pk: "sent",
        taken.pk: "pending",  # another dispatcher's to send now
    }
