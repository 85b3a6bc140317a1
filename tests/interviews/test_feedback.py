"""After the interview: scorecard requests and reminders, and the summary once feedback is in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.roles import Role
from interviews.models import Consent, Interview
from interviews.notices import InterviewMessage
from interviews.services.consent import default_notices_publish
from interviews.services.feedback import feedback_check, interview_ended
from interviews.services.scheduling import interview_cancel, interview_transition
from interviews.services.scorecards import scorecard_save, scorecard_submit
from notifications.models import Notification
from tests.factories import make_user, receive_assessment
from tests.interviews.scheduling_helpers import frozen_clock, rows, schedule, shanghai

pytestmark = pytest.mark.usefixtures("clock")
PROVIDER = "provider:simulated"


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def held(recruiter, interviewer, other_interviewer, clock):
    """A live video interview with two interviewers that has just ended."""
    interview = schedule(
        recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer, other_interviewer]
    )
    clock.move_to(shanghai(2027, 3, 2, 10, 1))
    interview_transition(interview=interview, event="started", actor=PROVIDER)
    clock.move_to(shanghai(2027, 3, 2, 10, 45))
    return interview_ended(interview=interview, ended_at=timezone.now(), actor=PROVIDER)


def _submit(interview, interviewer):
    card = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 3},
        recommendation="yes",
        actor=interviewer,
    )
    return scorecard_submit(scorecard=card, actor=interviewer)


def test_end_asks_each_interviewer_for_a_scorecard_and_queues_reminders(held, interviewer, other_interviewer):
    ended_at = shanghai(2027, 3, 2, 10, 45)
    held.refresh_from_db()
    assert held.status == Interview.Status.COMPLETED and held.ended_at == ended_at
    requests = rows(held, InterviewMessage.SCORECARD_REQUEST)
    assert {n.recipient_user_id for n in requests} == {interviewer.pk, other_interviewer.pk}
    assert all(n.due_at == ended_at and n.payload == {"round": 0} for n in requests)
    reminders = rows(held, InterviewMessage.SCORECARD_REMINDER)
    for user in (interviewer, other_interviewer):
        mine = [(n.due_at, n.payload) for n in reminders if n.recipient_user_id == user.pk]
        assert mine == [(ended_at + timedelta(hours=24 * r), {"round": r}) for r in (1, 2, 3)]
    # The interview reminder of a finished interview is dropped.
    assert rows(held, InterviewMessage.REMINDER) == []


def test_a_repeated_end_report_queues_nothing_twice(held):
    before = Notification.objects.count()
    interview_ended(interview=held, ended_at=timezone.now() + timedelta(minutes=5), actor=PROVIDER)
    assert Notification.objects.count() == before
    held.refresh_from_db()
    assert held.ended_at == shanghai(2027, 3, 2, 10, 45)


def test_end_after_the_webhook_completed_it_keeps_its_end_time(recruiter, interviewer, clock):
    # The webhook service moves the status itself and then calls interview_ended.
    interview = schedule(recruiter, interviewers=[interviewer])
    Interview.objects.filter(pk=interview.pk).update(
        status=Interview.Status.COMPLETED, ended_at=shanghai(2027, 3, 2, 10, 40)
    )
    interview.refresh_from_db()
    interview_ended(interview=interview, ended_at=interview.ended_at, actor=PROVIDER)
    assert [n.due_at for n in rows(interview, InterviewMessage.SCORECARD_REQUEST)] == [timezone.now()]


def test_a_cancelled_interview_asks_for_no_scorecards(recruiter, interviewer):
    interview = schedule(recruiter, interviewers=[interviewer])
    interview_cancel(interview=interview, reason="Filled", actor=recruiter)
    interview_ended(interview=interview, ended_at=timezone.now(), actor=PROVIDER)
    assert rows(interview, InterviewMessage.SCORECARD_REQUEST) == []


def test_submitted_scorecard_leaves_its_reminders_for_the_dispatcher_to_skip(held, interviewer):
    _submit(held, interviewer)
    reminders = [
        n for n in rows(held, InterviewMessage.SCORECARD_REMINDER) if n.recipient_user_id == interviewer.pk
    ]
    # Still queued with their round: the dispatcher re-checks the scorecard at send time.
    assert [n.payload["round"] for n in reminders] == [1, 2, 3]
    from notifications.services.outbox import stale_reason

    assert all(stale_reason(n) for n in reminders)


def test_summary_waits_for_every_scorecard_then_is_sent_once(held, recruiter, interviewer, other_interviewer):
    other_recruiter = make_user(Role.RECRUITER, username="recruiter2")
    make_user(Role.RECRUITER, username="left-the-company", is_active=False)

    _submit(held, interviewer)
    held.refresh_from_db()
    assert held.summary_sent_at is None
    assert rows(held, InterviewMessage.FEEDBACK_COMPLETE) == []

    _submit(held, other_interviewer)  # the last one in completes the feedback
    held.refresh_from_db()
    sent_at = held.summary_sent_at
    assert sent_at == timezone.now()
    told = rows(held, InterviewMessage.FEEDBACK_COMPLETE)
    assert {n.recipient_user_id for n in told} == {recruiter.pk, other_recruiter.pk}

    assert feedback_check(interview=held, actor="system:test") is False
    held.refresh_from_db()
    assert held.summary_sent_at == sent_at
    assert len(rows(held, InterviewMessage.FEEDBACK_COMPLETE)) == 2
    assert AuditEvent.objects.filter(target_id=str(held.pk), changed_fields=["summary_sent_at"]).count() == 1


def _ai_interview(recruiter, interviewer, clock):
    interview = schedule(recruiter, kind="ai_video", interviewers=[interviewer])
    clock.move_to(shanghai(2027, 3, 2, 10, 1))
    interview_transition(interview=interview, event="started", actor=PROVIDER)
    return interview


def test_ai_interview_summary_also_waits_for_the_assessment(recruiter, interviewer, clock):
    interview = _ai_interview(recruiter, interviewer, clock)
    notices = {n.language: n for n in default_notices_publish()}
    for scope in Consent.Scope.values:
        Consent.objects.create(
            candidate=interview.application.candidate,
            interview=interview,
            notice=notices["en"],
            scope=scope,
            decision=Consent.Decision.GIVEN,
            decided_at=timezone.now(),
        )
    interview_ended(interview=interview, ended_at=timezone.now(), actor=PROVIDER)
    _submit(interview, interviewer)
    interview.refresh_from_db()
    assert interview.summary_sent_at is None  # consent given, so the assessment is awaited

    receive_assessment(interview, actor=PROVIDER)
    assert feedback_check(interview=interview, actor=PROVIDER) is True


def test_ai_interview_without_consent_does_not_wait_for_an_assessment(recruiter, interviewer, clock):
    interview = _ai_interview(recruiter, interviewer, clock)
    interview_ended(interview=interview, ended_at=timezone.now(), actor=PROVIDER)
    _submit(interview, interviewer)
    interview.refresh_from_db()
    assert interview.summary_sent_at is not None


def test_nothing_is_summarised_before_the_interview_ends(recruiter, interviewer):
    interview = schedule(recruiter, interviewers=[interviewer])
    _submit(interview, interviewer)
    interview.refresh_from_db()
    assert interview.summary_sent_at is None
