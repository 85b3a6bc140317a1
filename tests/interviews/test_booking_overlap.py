"""An interviewer's bookings cannot overlap: the database refuses it, whatever path books
(docs/architecture.md, "Invariants in the database")."""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hrsuite.errors import Conflict
from interviews.models import Interview, InterviewAssignment, RescheduleOffer, workspace_place
from interviews.services.incidents import incident_open, reschedule_offer_choose
from interviews.services.scheduling import interview_cancel, interview_reschedule
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai
from tests.interviews.test_incidents import _offer_and_token

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    yield from frozen_clock()


def _book_directly(interview, interviewer, *, status=Interview.Status.SCHEDULED):
    """An assignment written without the services' check, as an old or racing writer would."""
    return InterviewAssignment.objects.create(
        interview=interview,
        interviewer=interviewer,
        interview_status=status,
        interview_starts_at=interview.starts_at,
        interview_ends_at=interview.starts_at + timedelta(minutes=interview.duration_minutes),
        **workspace_place(status=status, starts_at=interview.starts_at, submitted=False),
    )


def test_assignment_keeps_the_end_of_its_interview(recruiter, interviewer):
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    assignment = interview.assignments.get()
    assert assignment.interview_ends_at == shanghai(2027, 3, 2, 10, 45)

    interview_reschedule(interview=interview, starts_at=shanghai(2027, 3, 3, 14, 0), actor=recruiter)
    assignment.refresh_from_db()
    assert (assignment.interview_starts_at, assignment.interview_ends_at) == (
        shanghai(2027, 3, 3, 14, 0),
        shanghai(2027, 3, 3, 14, 45),
    )


def test_database_refuses_an_overlapping_busy_booking_written_directly(
    recruiter, interviewer, other_interviewer
):
    booked = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    overlapping = schedule(
        recruiter, starts_at=shanghai(2027, 3, 2, 10, 30), interviewers=[other_interviewer]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        _book_directly(overlapping, interviewer)
    # In progress holds the interviewer's time as scheduled does.
    with pytest.raises(IntegrityError), transaction.atomic():
        _book_directly(overlapping, interviewer, status=Interview.Status.IN_PROGRESS)
    # Moving an existing booking onto the other is refused as well.
    assignment = overlapping.assignments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewAssignment.objects.filter(pk=assignment.pk).update(interviewer=interviewer)
    assert list(InterviewAssignment.objects.filter(interviewer=interviewer)) == [booked.assignments.get()]


def test_back_to_back_and_other_interviewers_bookings_are_accepted(recruiter, interviewer, other_interviewer):
    schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    after = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 45), interviewers=[other_interviewer])
    _book_directly(after, interviewer)
    assert InterviewAssignment.objects.filter(interviewer=interviewer).count() == 2


@pytest.mark.parametrize(
    "status",
    [
        Interview.Status.CANCELLED,
        Interview.Status.COMPLETED,
        Interview.Status.TECHNICAL_ISSUE,
        Interview.Status.NO_SHOW,
    ],
)
def test_bookings_that_no_longer_hold_time_do_not_block(recruiter, interviewer, other_interviewer, status):
    starts_at = shanghai(2027, 3, 2, 10, 0)
    old = schedule(recruiter, starts_at=starts_at, interviewers=[other_interviewer])
    _book_directly(old, interviewer, status=status)
    # Through the services too, the slot is free again.
    interview = schedule(recruiter, starts_at=starts_at, interviewers=[interviewer])
    assert interview.assignments.get().interviewer == interviewer


def test_a_cancelled_interview_frees_its_interviewer(recruiter, interviewer):
    starts_at = shanghai(2027, 3, 2, 10, 0)
    first = schedule(recruiter, starts_at=starts_at, interviewers=[interviewer])
    interview_cancel(interview=first, reason="Position filled.", actor=recruiter)
    second = schedule(recruiter, starts_at=starts_at, interviewers=[interviewer])
    assert second.assignments.get().interviewer == interviewer


def test_assigning_a_busy_interviewer_is_refused_with_the_scheduling_error(
    recruiter, interviewer, other_interviewer
):
    from interviews.services.assignments import assignment_create

    schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    overlapping = schedule(
        recruiter, starts_at=shanghai(2027, 3, 2, 10, 30), interviewers=[other_interviewer]
    )
    with pytest.raises(Conflict) as caught:
        assignment_create(interview=overlapping, interviewer=interviewer, actor=recruiter)
    assert caught.value.code == "slot_taken"
    # Named after the argument the caller sent.
    assert list(caught.value.fields) == ["interviewer"]
    assert interviewer.get_username() in caught.value.fields["interviewer"][0]
    # The surrounding transaction is still usable.
    assert overlapping.assignments.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ten_candidates_choosing_the_same_slot_book_the_interviewer_once(recruiter, interviewer):
    starts_at = shanghai(2027, 3, 2, 10, 0)
    tokens = []
    for _ in range(10):
        # Each candidate's interview failed, which frees the interviewer's time and offers the
        # same next day at the same hour to each of them.
        failed = schedule(recruiter, starts_at=starts_at, interviewers=[interviewer])
        incident_open(
            interview=failed,
            kind="technical_issue",
            occurred_at=timezone.now(),
            details={},
            actor="provider:simulated",
        )
        offer, _, token = _offer_and_token(failed)
        assert offer.kind == RescheduleOffer.Kind.RESCHEDULE
        tokens.append(token)
    slot = datetime.fromisoformat(RescheduleOffer.objects.first().slots[0])
    assert all(slot.isoformat() in o.slots for o in RescheduleOffer.objects.all())

    start = threading.Barrier(len(tokens))
    outcomes: list[object] = []

    def choose(token):
        try:
            start.wait()
            outcomes.append(reschedule_offer_choose(token=token, slot=slot, ip=None, user_agent=""))
        except Exception as exc:  # anything but a Conflict (a 500) fails the counts below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=choose, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    booked = [o for o in outcomes if isinstance(o, Interview)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(booked) == 1, outcomes
    assert len(refused) == 9, outcomes
    # The candidate learns the time is gone, not whose diary it clashes with or what else is in it.
    assert all(
        e.code == "slot_taken" and e.fields == {"slot": ["That time is no longer available."]}
        for e in refused
    )
    assert not any(interviewer.get_username() in f"{e.message} {e.fields}" for e in refused)
    assert (
        InterviewAssignment.objects.filter(
            interviewer=interviewer, interview_status=Interview.Status.SCHEDULED
        ).count()
        == 1
    )
