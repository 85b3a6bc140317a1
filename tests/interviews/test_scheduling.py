"""Scheduling rules, the calendar messages they queue, and the scheduling API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from audit.models import AuditEvent
from candidates.models import Stage
from hrsuite.errors import Forbidden, InvalidTransition, ValidationFailed
from interviews.models import Interview, InterviewAssignment
from interviews.notices import InterviewMessage
from interviews.services.scheduling import interview_cancel, interview_reschedule
from notifications.models import Notification
from tests.interviews.scheduling_helpers import (
    NOW,
    application_in,
    frozen_clock,
    local,
    rows,
    schedule,
    shanghai,
)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    yield from frozen_clock()


def _refused(recruiter, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        schedule(recruiter, **kwargs)
    return caught.value.fields


def test_schedule_creates_meeting_assigns_and_queues_invitations_and_reminders(recruiter, interviewer):
    starts_at = shanghai(2027, 3, 2, 10, 0)
    interview = schedule(recruiter, starts_at=starts_at, interviewers=[interviewer])

    assert interview.status == Interview.Status.SCHEDULED
    assert interview.provider_meeting_id == f"sim-{interview.pk}"
    assert interview.join_url.startswith("http")
    assert interview.candidate_time_zone == "Asia/Shanghai"
    # Assignment went through assignment_create, so the interviewer got access.
    assert "view_interview" in get_perms(interviewer, interview)
    invitations = rows(interview, InterviewMessage.INVITATION)
    assert {(n.candidate_id, n.recipient_user_id) for n in invitations} == {
        (interview.application.candidate_id, None),
        (None, interviewer.pk),
    }
    for n in invitations:
        assert n.due_at == NOW
        assert n.payload["starts_at"] == "2027-03-02T02:00:00+00:00"
        assert n.payload["sequence"] == 0
        assert n.payload["practice_url"].startswith("http")
    reminders = rows(interview, InterviewMessage.REMINDER)
    assert len(reminders) == 2
    assert {n.due_at for n in reminders} == {starts_at - timedelta(minutes=15)}
    assert all(n.payload == {"starts_at": "2027-03-02T02:00:00+00:00", "sequence": 0} for n in reminders)
    interview.application.refresh_from_db()
    assert interview.application.stage == Stage.INTERVIEWING


def test_scheduling_twice_the_same_moment_queues_separate_keys(recruiter, interviewer, other_interviewer):
    first = schedule(recruiter, interviewers=[interviewer])
    second = schedule(recruiter, interviewers=[other_interviewer])
    keys = set(Notification.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == Notification.objects.count() == 8
    assert all(str(first.pk) in k or str(second.pk) in k for k in keys)


def test_start_in_the_past_is_refused_on_starts_at(recruiter):
    fields = _refused(recruiter, starts_at=NOW - timedelta(days=1))
    assert list(fields) == ["starts_at"]
    assert "future" in fields["starts_at"][0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "hologram"}, "kind"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"provider": "nowhere"}, "provider"),
    ],
)
def test_each_invalid_input_names_its_field(recruiter, kwargs, field):
    assert field in _refused(recruiter, **kwargs)


def test_only_interviewers_can_be_scheduled_as_interviewers(recruiter, hr_admin):
    fields = _refused(recruiter, interviewers=[hr_admin])
    assert list(fields) == ["interviewers"]
    assert not Interview.objects.exists()


def test_business_hours_are_the_candidates_own(recruiter):
    # 19:00 UTC is 03:00 next day in Shanghai, but 13:00 in Chicago.
    night_in_shanghai = local("UTC", 2027, 3, 2, 19, 0)
    fields = _refused(recruiter, starts_at=night_in_shanghai)
    assert list(fields) == ["starts_at"]
    assert "03:00" in fields["starts_at"][0] and "Asia/Shanghai" in fields["starts_at"][0]

    chicago = application_in(recruiter, region="US-IL", time_zone="America/Chicago")
    interview = schedule(recruiter, application=chicago, starts_at=night_in_shanghai)
    assert interview.starts_at == night_in_shanghai


def test_the_whole_interview_must_end_before_closing_time(recruiter):
    assert "starts_at" in _refused(recruiter, starts_at=shanghai(2027, 3, 2, 17, 30))
    assert schedule(recruiter, starts_at=shanghai(2027, 3, 2, 17, 15)).duration_minutes == 45
    assert "starts_at" in _refused(recruiter, starts_at=shanghai(2027, 3, 2, 8, 45))


def test_public_holiday_of_the_candidates_region_is_refused(recruiter, clock):
    clock.move_to(shanghai(2027, 9, 27, 9, 0))
    fields = _refused(recruiter, starts_at=shanghai(2027, 10, 1, 10, 0))  # National Day, a Friday
    assert list(fields) == ["starts_at"]
    assert "public holiday in CN" in fields["starts_at"][0]
    # The same day is a working day for a candidate in Berlin.
    berlin = application_in(recruiter, region="DE-BE", time_zone="Europe/Berlin")
    assert schedule(recruiter, application=berlin, starts_at=local("Europe/Berlin", 2027, 10, 1, 10, 0))


def test_subdivision_holidays_apply_us_il(recruiter, clock):
    clock.move_to(local("UTC", 2027, 11, 1, 0, 0))
    chicago = application_in(recruiter, region="US-IL", time_zone="America/Chicago")
    fields = _refused(recruiter, application=chicago, starts_at=local("America/Chicago", 2027, 11, 25, 10, 0))
    assert "Thanksgiving" in fields["starts_at"][0]


def test_unknown_region_gets_no_holiday_check(recruiter, clock):
    clock.move_to(shanghai(2027, 9, 27, 9, 0))
    unknown = application_in(recruiter, region="ZZ", time_zone="Asia/Shanghai")
    assert schedule(recruiter, application=unknown, starts_at=shanghai(2027, 10, 1, 10, 0))


def test_weekend_in_the_candidates_zone_is_refused(recruiter):
    fields = _refused(recruiter, starts_at=shanghai(2027, 3, 6, 10, 0))
    assert list(fields) == ["starts_at"]
    assert "Saturday" in fields["starts_at"][0]


def test_overlap_for_an_assigned_interviewer_is_refused(recruiter, interviewer, other_interviewer):
    schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    fields = _refused(
        recruiter, starts_at=shanghai(2027, 3, 2, 10, 30), interviewers=[other_interviewer, interviewer]
    )
    assert list(fields) == ["interviewers"]
    assert interviewer.get_username() in fields["interviewers"][0]
    # Back to back is fine, and another interviewer is free at the same time.
    assert schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 45), interviewers=[interviewer])
    assert schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[other_interviewer])


def test_a_cancelled_interview_frees_its_interviewers(recruiter, interviewer):
    first = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    interview_cancel(interview=first, reason="Position paused", actor=recruiter)
    assert schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])


def test_short_notice_interview_gets_invitation_but_no_reminder(recruiter, interviewer, clock):
    clock.move_to(shanghai(2027, 3, 1, 10, 0))
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 1, 10, 10), interviewers=[interviewer])
    assert len(rows(interview, InterviewMessage.INVITATION)) == 2
    assert rows(interview, InterviewMessage.REMINDER) == []
    # Exactly the lead time ahead still gets its reminder, due now.
    on_time = schedule(recruiter, starts_at=shanghai(2027, 3, 1, 10, 15))
    assert [n.due_at for n in rows(on_time, InterviewMessage.REMINDER)] == [shanghai(2027, 3, 1, 10, 0)]


def test_reschedule_moves_the_reminder_and_raises_the_sequence(recruiter, interviewer, clock):
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    old_rows = rows(interview, InterviewMessage.INVITATION) + rows(interview, InterviewMessage.REMINDER)

    moved = interview_reschedule(interview=interview, starts_at=shanghai(2027, 3, 3, 14, 0), actor=recruiter)

    assert moved.calendar_sequence == 1
    assert moved.starts_at == shanghai(2027, 3, 3, 14, 0)
    cancelled = {n.pk for n in rows(interview, InterviewMessage.INVITATION, Notification.Status.CANCELLED)}
    cancelled |= {n.pk for n in rows(interview, InterviewMessage.REMINDER, Notification.Status.CANCELLED)}
    assert cancelled == {n.pk for n in old_rows}
    invitations, reminders = (
        rows(interview, InterviewMessage.INVITATION),
        rows(interview, InterviewMessage.REMINDER),
    )
    assert len(invitations) == len(reminders) == 2
    assert {n.payload["sequence"] for n in invitations + reminders} == {1}
    assert {n.due_at for n in reminders} == {shanghai(2027, 3, 3, 13, 45)}

    # At the old reminder time nothing is due; at the new one exactly the two new reminders are.
    def due_now():
        return set(
            Notification.objects.filter(
                template=InterviewMessage.REMINDER,
                status=Notification.Status.PENDING,
                due_at__lte=timezone.now(),
            ).values_list("pk", flat=True)
        )

    clock.move_to(shanghai(2027, 3, 2, 9, 45))
    assert due_now() == set()
    clock.move_to(shanghai(2027, 3, 3, 13, 45))
    assert due_now() == {n.pk for n in reminders}


def test_assignments_copy_their_interviews_status_and_start(recruiter, interviewer):
    """The workspace sorts and counts an interviewer's interviews from these copies."""
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])

    def copies():
        assignments = InterviewAssignment.objects.filter(interview=interview)
        return list(assignments.values_list("interview_status", "interview_starts_at"))

    assert copies() == [(Interview.Status.SCHEDULED, shanghai(2027, 3, 2, 10, 0))]
    interview_reschedule(interview=interview, starts_at=shanghai(2027, 3, 3, 14, 0), actor=recruiter)
    assert copies() == [(Interview.Status.SCHEDULED, shanghai(2027, 3, 3, 14, 0))]
    interview_cancel(interview=interview, reason="The position is filled.", actor=recruiter)
    assert copies() == [(Interview.Status.CANCELLED, shanghai(2027, 3, 3, 14, 0))]


def test_reschedule_does_not_overlap_itself_but_checks_every_rule(recruiter, interviewer):
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    interview_reschedule(interview=interview, starts_at=shanghai(2027, 3, 2, 10, 15), actor=recruiter)
    with pytest.raises(ValidationFailed) as caught:
        interview_reschedule(interview=interview, starts_at=shanghai(2027, 3, 6, 10, 0), actor=recruiter)
    assert list(caught.value.fields) == ["starts_at"]
    interview.refresh_from_db()
    assert interview.calendar_sequence == 1


def test_cancel_drops_pending_messages_and_queues_cancellations(recruiter, interviewer):
    interview = schedule(recruiter, interviewers=[interviewer])

    interview_cancel(interview=interview, reason="Candidate took another offer", actor=recruiter)

    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    assert interview.calendar_sequence == 1
    assert rows(interview, InterviewMessage.REMINDER) == rows(interview, InterviewMessage.INVITATION) == []
    cancellations = rows(interview, InterviewMessage.CANCELLATION)
    assert len(cancellations) == 2
    assert all(n.payload == {"sequence": 1} for n in cancellations)
    event = AuditEvent.objects.filter(target_id=str(interview.pk), detail__event="cancel").get()
    assert event.detail["to"] == "cancelled"


def test_cancelled_interview_cannot_be_cancelled_or_moved_again(recruiter):
    interview = schedule(recruiter)
    interview_cancel(interview=interview, reason="Duplicate", actor=recruiter)
    with pytest.raises(InvalidTransition):
        interview_cancel(interview=interview, reason="Again", actor=recruiter)
    with pytest.raises(InvalidTransition):
        interview_reschedule(interview=interview, starts_at=shanghai(2027, 3, 3, 10, 0), actor=recruiter)
    assert len(rows(interview, InterviewMessage.CANCELLATION)) == 1


def test_hr_admin_may_not_schedule_or_cancel(recruiter, hr_admin):
    with pytest.raises(Forbidden):
        schedule(hr_admin, application=application_in(recruiter))
    interview = schedule(recruiter)
    with pytest.raises(Forbidden):
        interview_cancel(interview=interview, reason="No", actor=hr_admin)


# --- API ------------------------------------------------------------------------------------------


def test_api_schedules_reschedules_and_cancels(api, recruiter, interviewer):
    application = application_in(recruiter)
    client = api.as_user(recruiter)
    response = client.post(
        reverse("scheduling-list"),
        {
            "application": str(application.pk),
            "kind": "live_video",
            "starts_at": "2027-03-02T10:00:00+08:00",
            "interviewers": [interviewer.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_at"] == "2027-03-02T02:00:00Z" and body["calendar_sequence"] == 0

    url = reverse("scheduling-reschedule", args=[body["id"]])
    response = client.post(url, {"starts_at": "2027-03-06T10:00:00+08:00"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    response = client.post(url, {"starts_at": "2027-03-03T10:00:00+08:00"}, format="json")
    assert response.status_code == 200 and response.json()["calendar_sequence"] == 1

    cancel = reverse("scheduling-cancel", args=[body["id"]])
    assert client.post(cancel, {"reason": "Filled"}, format="json").status_code == 200
    response = client.post(cancel, {"reason": "Filled"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_api_names_unknown_interviewers(api, recruiter):
    response = api.as_user(recruiter).post(
        reverse("scheduling-list"),
        {
            "application": str(application_in(recruiter).pk),
            "kind": "phone",
            "starts_at": "2027-03-02T10:00:00+08:00",
            "interviewers": [999999],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["interviewers"]


def test_interviewer_cannot_use_scheduling_api(api, recruiter, interviewer):
    interview = schedule(recruiter, interviewers=[interviewer])
    client = api.as_user(interviewer)
    response = client.post(reverse("scheduling-cancel", args=[interview.pk]), {"reason": "x"}, format="json")
    assert response.status_code == 403
