"""An interviewer assigned after the invitations went out gets theirs and the reminder; one
taken off a scheduled interview gets a calendar cancellation and no reminder."""

from datetime import timedelta

import pytest

from interviews.models import InterviewAssignment
from interviews.notices import InterviewMessage
from interviews.services.assignments import assignment_create, assignment_delete
from notifications.services.outbox import outbox_dispatch
from tests.interviews.scheduling_helpers import frozen_clock, rows, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock():
    yield from frozen_clock()


def _calendar_methods(message) -> list[str]:
    return [p.get_param("method") for p in message.walk() if p.get_content_type() == "text/calendar"]


def _to(sink, user) -> list:
    return [m for m in sink.messages if m["To"] == user.email]


def test_an_interviewer_assigned_after_the_invitations_gets_invitation_and_reminder(
    recruiter, interviewer, other_interviewer, smtp_server
):
    interview = schedule(recruiter, interviewers=[interviewer])
    outbox_dispatch()  # the first round of invitations has gone out
    assert _to(smtp_server.sink, other_interviewer) == []

    assignment_create(interview=interview, interviewer=other_interviewer, actor=recruiter)

    (reminder,) = [
        r for r in rows(interview, InterviewMessage.REMINDER) if r.recipient_user_id == other_interviewer.pk
    ]
    assert reminder.due_at == interview.starts_at - timedelta(minutes=15)
    assert outbox_dispatch().sent == 1
    (invitation,) = _to(smtp_server.sink, other_interviewer)
    assert _calendar_methods(invitation) == ["REQUEST"]


def test_assigning_while_scheduling_queues_one_invitation_each(recruiter, interviewer, other_interviewer):
    interview = schedule(recruiter, interviewers=[interviewer, other_interviewer])
    invitations = rows(interview, InterviewMessage.INVITATION)
    assert sorted(n.recipient_user_id or 0 for n in invitations if n.recipient_user_id) == sorted(
        [interviewer.pk, other_interviewer.pk]
    )
    assert len(invitations) == 3  # the candidate and the two interviewers, once each


def test_an_unassigned_interviewer_gets_a_cancellation_and_no_reminder(
    recruiter, interviewer, other_interviewer, smtp_server
):
    interview = schedule(recruiter, interviewers=[interviewer, other_interviewer])
    outbox_dispatch()
    assignment = InterviewAssignment.objects.get(interview=interview, interviewer=interviewer)

    assignment_delete(assignment=assignment, actor=recruiter)

    reminders = rows(interview, InterviewMessage.REMINDER)
    assert interviewer.pk not in {r.recipient_user_id for r in reminders}
    assert other_interviewer.pk in {r.recipient_user_id for r in reminders}
    assert outbox_dispatch().sent == 1
    invitation, cancellation = _to(smtp_server.sink, interviewer)
    assert _calendar_methods(invitation) == ["REQUEST"] and _calendar_methods(cancellation) == ["CANCEL"]
    assert cancellation["Subject"].startswith("Removed from the interview")
    # The others' interview stands: nobody else is told anything.
    assert len(_to(smtp_server.sink, other_interviewer)) == 1


def test_an_interviewer_unassigned_before_their_invitation_went_out_is_not_told(
    recruiter, interviewer, smtp_server
):
    interview = schedule(recruiter, interviewers=[interviewer])
    assignment_delete(
        assignment=InterviewAssignment.objects.get(interview=interview, interviewer=interviewer),
        actor=recruiter,
    )
    assert [r.recipient_user_id for r in rows(interview, InterviewMessage.INVITATION)] == [None]
    outbox_dispatch()
    assert _to(smtp_server.sink, interviewer) == []


def test_reassigned_before_the_cancellation_went_out_gets_no_cancellation(
    recruiter, interviewer, smtp_server
):
    interview = schedule(recruiter, interviewers=[interviewer])
    outbox_dispatch()
    assignment_delete(
        assignment=InterviewAssignment.objects.get(interview=interview, interviewer=interviewer),
        actor=recruiter,
    )
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)

    outbox_dispatch()
    methods = [_calendar_methods(m) for m in _to(smtp_server.sink, interviewer)]
    assert methods == [["REQUEST"], ["REQUEST"]]
