"""Every path that books an interviewer answers a clash with another booking the same way: 409,
code `slot_taken`, keyed by the field the client sent, whether the check before the write or the
database (a booking committed meanwhile) finds it (docs/architecture.md, "Invariants in the
database"). HR is told who is busy and when; a candidate only that the time is gone."""

import threading
from collections.abc import Callable
from datetime import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from hrsuite.errors import Conflict
from interviews.models import Interview, InterviewAssignment
from interviews.services import scheduling
from interviews.services.candidate_links import interview_page_read, interview_token
from interviews.services.incidents import incident_open
from notifications.models import Notification
from tests.interviews.scheduling_helpers import application_in, frozen_clock, schedule, shanghai
from tests.interviews.test_incidents import _offer_and_token

pytestmark = pytest.mark.usefixtures("clock")

# Enough requests at once to make them meet in the database, few enough for a 2-core machine.
RACERS = 6
SLOT = shanghai(2027, 3, 2, 10, 0)
# SLOT in UTC, as HR's message names the other booking's start.
SLOT_IN_MESSAGE = "2027-03-02 02:00"


@pytest.fixture
def clock():
    yield from frozen_clock()


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _race(calls: list[Callable]) -> list:
    """Each call in a thread of its own, so with its own database connection, all let go at the
    same moment; what each returned (or raised), in order."""
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as exc:  # a 500 in the making: fails the checks on the answers
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def run_all(calls: list[Callable], mode: str) -> list:
    return _race(calls) if mode == "parallel" else [call() for call in calls]


def _one_booked_the_others_refused(responses, *, booked_status: int, field: str) -> list:
    """Exactly one answer books; every other one is the conflict on `field`. The refusals."""
    assert all(hasattr(r, "status_code") for r in responses), responses
    booked = [r for r in responses if r.status_code == booked_status]
    refused = [r for r in responses if r.status_code == 409]
    assert (len(booked), len(refused)) == (1, len(responses) - 1), [r.status_code for r in responses]
    for response in refused:
        error = response.json()["error"]
        assert error["code"] == "slot_taken", error
        assert list(error["fields"]) == [field], error
    return refused


def bookings_at(interviewer, starts_at: datetime) -> int:
    return InterviewAssignment.objects.filter(
        interviewer=interviewer,
        interview_status=Interview.Status.SCHEDULED,
        interview_starts_at=starts_at,
    ).count()


def _names_the_interviewer_and_the_time(refused, interviewer) -> None:
    for response in refused:
        error = response.json()["error"]
        (messages,) = error["fields"].values()
        for text in (error["message"], *messages):
            assert interviewer.get_username() in text and SLOT_IN_MESSAGE in text, error


# --- HR ------------------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_hr_scheduling_the_same_interviewer_at_once_books_one(recruiter, interviewer, mode):
    url = reverse("scheduling-list")

    def book(application):
        body = {
            "application": str(application.pk),
            "kind": "live_video",
            "starts_at": SLOT.isoformat(),
            "interviewers": [interviewer.pk],
        }
        return lambda: _as(recruiter).post(url, body, format="json")

    responses = run_all([book(application_in(recruiter)) for _ in range(RACERS)], mode)

    refused = _one_booked_the_others_refused(responses, booked_status=201, field="interviewers")
    _names_the_interviewer_and_the_time(refused, interviewer)
    assert bookings_at(interviewer, SLOT) == 1
    # A refused request leaves no interview behind.
    assert Interview.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_hr_assigning_the_same_interviewer_at_once_books_one(recruiter, interviewer, mode):
    url = reverse("assignment-list")
    interviews = [schedule(recruiter, starts_at=SLOT) for _ in range(RACERS)]

    def assign(interview):
        body = {"interview": str(interview.pk), "interviewer": interviewer.pk}
        return lambda: _as(recruiter).post(url, body, format="json")

    responses = run_all([assign(interview) for interview in interviews], mode)

    refused = _one_booked_the_others_refused(responses, booked_status=201, field="interviewer")
    _names_the_interviewer_and_the_time(refused, interviewer)
    assert bookings_at(interviewer, SLOT) == 1
    assert InterviewAssignment.objects.count() == 1
    # Refused, the interviewer was given no access to those interviews.
    assert sum(interviewer.has_perm("interviews.view_interview", i) for i in interviews) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_hr_moving_interviews_of_one_interviewer_onto_one_time_moves_one(recruiter, interviewer, mode):
    # The interviewer's interviews the day after SLOT, one an hour; each is moved onto SLOT.
    interviews = [
        schedule(recruiter, starts_at=shanghai(2027, 3, 3, 9 + hour, 0), interviewers=[interviewer])
        for hour in range(RACERS)
    ]
    before = {i.pk: (i.starts_at, i.calendar_sequence) for i in interviews}

    def move(interview):
        url = reverse("scheduling-reschedule", args=[interview.pk])
        return lambda: _as(recruiter).post(url, {"starts_at": SLOT.isoformat()}, format="json")

    responses = run_all([move(interview) for interview in interviews], mode)

    refused = _one_booked_the_others_refused(responses, booked_status=200, field="starts_at")
    _names_the_interviewer_and_the_time(refused, interviewer)
    assert bookings_at(interviewer, SLOT) == 1
    stayed = Interview.objects.exclude(starts_at=SLOT)
    assert len(stayed) == RACERS - 1
    assert all((i.starts_at, i.calendar_sequence) == before[i.pk] for i in stayed)
    assert all(
        InterviewAssignment.objects.get(interview=i).interview_starts_at == i.starts_at for i in stayed
    )


def test_hr_moving_an_interview_onto_a_busy_time_keeps_it_and_queues_nothing(
    api, recruiter, interviewer, other_interviewer
):
    schedule(recruiter, starts_at=SLOT, interviewers=[interviewer])
    moved = schedule(
        recruiter, starts_at=shanghai(2027, 3, 3, 10, 0), interviewers=[interviewer, other_interviewer]
    )
    messages = list(Notification.objects.filter(interview=moved).values_list("pk", "status", "due_at"))
    events = AuditEvent.objects.filter(target_id=str(moved.pk), action=AuditAction.UPDATE).count()

    response = api.as_user(recruiter).post(
        reverse("scheduling-reschedule", args=[moved.pk]),
        {"starts_at": shanghai(2027, 3, 2, 10, 30).isoformat()},
        format="json",
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "slot_taken" and list(error["fields"]) == ["starts_at"]
    assert interviewer.get_username() in error["message"] and SLOT_IN_MESSAGE in error["message"]
    # Only the busy interviewer is named: the other one is free then.
    assert other_interviewer.get_username() not in error["message"]
    moved_now = Interview.objects.get(pk=moved.pk)
    assert (moved_now.starts_at, moved_now.calendar_sequence) == (moved.starts_at, moved.calendar_sequence)
    assert set(moved.assignments.values_list("interview_starts_at", flat=True)) == {moved.starts_at}
    assert (
        list(Notification.objects.filter(interview=moved).values_list("pk", "status", "due_at")) == messages
    )
    assert AuditEvent.objects.filter(target_id=str(moved.pk), action=AuditAction.UPDATE).count() == events


def test_a_move_only_the_database_refuses_is_refused_as_the_check_refuses_it(
    recruiter, interviewer, monkeypatch
):
    """The check before the write does not see a booking committed after it ran: taking the check
    away shows what the database alone answers."""
    booked = schedule(recruiter, starts_at=SLOT, interviewers=[interviewer])
    moved = schedule(recruiter, starts_at=shanghai(2027, 3, 3, 10, 0), interviewers=[interviewer])
    monkeypatch.setattr(scheduling, "slot_conflicts", lambda **kwargs: [])

    with pytest.raises(Conflict) as caught:
        scheduling.interview_reschedule(interview=moved, starts_at=SLOT, actor=recruiter)

    assert caught.value.status_code == 409 and caught.value.code == "slot_taken"
    assert list(caught.value.fields) == ["starts_at"]
    assert interviewer.get_username() in caught.value.message and SLOT_IN_MESSAGE in caught.value.message
    moved.refresh_from_db()
    assert moved.starts_at == shanghai(2027, 3, 3, 10, 0)
    assert bookings_at(interviewer, SLOT) == 1 == booked.assignments.count()


# --- The candidate's reschedule link ----------------------------------------------------------------


def failed_interviews_offering_one_slot(recruiter, interviewer, count: int) -> tuple[list[str], str]:
    """`count` candidates whose interview with `interviewer` failed, each offered the same next
    time: their links' tokens and that time."""
    tokens = []
    for _ in range(count):
        failed = schedule(recruiter, starts_at=SLOT, interviewers=[interviewer])
        incident_open(
            interview=failed,
            kind="technical_issue",
            occurred_at=timezone.now(),
            details={},
            actor="provider:simulated",
        )
        offer, _message, token = _offer_and_token(failed)
        tokens.append((token, offer.slots[0]))
    slots = {slot for _token, slot in tokens}
    assert len(slots) == 1, slots
    return [token for token, _slot in tokens], slots.pop()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_candidates_choosing_the_same_offered_time_through_the_api_book_it_once(recruiter, interviewer, mode):
    tokens, slot = failed_interviews_offering_one_slot(recruiter, interviewer, RACERS)

    def choose(token):
        url = reverse("reschedule-offer", args=[token])
        return lambda: APIClient().post(url, {"slot": slot}, format="json")

    responses = run_all([choose(token) for token in tokens], mode)

    refused = _one_booked_the_others_refused(responses, booked_status=201, field="slot")
    for response in refused:
        error = response.json()["error"]
        # Only that the time is gone: not whose diary it clashes with, nor who took it.
        assert error == {
            "code": "slot_taken",
            "message": "That time is no longer available.",
            "fields": {"slot": ["That time is no longer available."]},
        }
    assert bookings_at(interviewer, datetime.fromisoformat(slot)) == 1


def test_a_time_taken_on_the_interview_page_is_a_conflict_that_names_no_one(client, recruiter, interviewer):
    interview = schedule(recruiter, starts_at=SLOT, interviewers=[interviewer])
    token = interview_token(interview=interview)
    slot = interview_page_read(token=token).slots[0]
    # HR books the interviewer at that time meanwhile, for another candidate.
    other = schedule(recruiter, starts_at=slot, interviewers=[interviewer])

    response = client.post(reverse("portal-interview", args=[token]), {"slot": slot.isoformat()})

    assert response.status_code == 409
    page = response.content.decode()
    assert "That time is no longer free. Please choose another one." in page
    assert interviewer.get_username() not in page
    assert other.application.candidate.full_name not in page
    interview.refresh_from_db()
    assert interview.starts_at == SLOT
