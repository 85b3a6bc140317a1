"""Closing an application (a rejection, a withdrawal, an offer that lapses): its scheduled
interviews are cancelled with a calendar cancellation to everyone invited, its reminders and
scorecard requests are dropped, and a rejected candidate is told, in their language, after the
delay HR set."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from candidates.services.applications import application_move
from interviews.models import Interview
from interviews.notices import InterviewMessage
from interviews.services import candidate_links
from interviews.services.feedback import interview_ended
from interviews.services.scheduling import interview_transition
from notifications.models import Notification
from notifications.rendering import render
from notifications.services.outbox import outbox_dispatch
from onboarding.services.decisions import decision_record
from onboarding.services.offers import offers_expire
from tests.factories import make_application, make_candidate, make_hire, make_position
from tests.interviews.scheduling_helpers import NOW, frozen_clock, rows, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

REASON = "Another candidate matched the role's database experience better."


@pytest.fixture
def clock():
    yield from frozen_clock()


def _application(recruiter, *, language="zh-hans"):
    candidate = make_candidate(recruiter, region="CN", time_zone="Asia/Shanghai", preferred_language=language)
    return make_application(recruiter, candidate=candidate)


def _scheduled(recruiter, interviewer, *, language="zh-hans"):
    return schedule(
        recruiter, application=_application(recruiter, language=language), interviewers=[interviewer]
    )


def _reject(application, recruiter):
    return decision_record(application=application, outcome="reject", reason=REASON, actor=recruiter)


def _recipients(notifications) -> set:
    return {n.candidate_id or n.recipient_user_id for n in notifications}


def test_a_rejection_cancels_the_interview_for_everyone_invited(recruiter, interviewer):
    interview = _scheduled(recruiter, interviewer)
    assert rows(interview, InterviewMessage.REMINDER) and rows(interview, InterviewMessage.INVITATION)

    _reject(interview.application, recruiter)

    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    candidate_id = interview.application.candidate_id
    assert _recipients(rows(interview, InterviewMessage.CANCELLATION)) == {candidate_id, interviewer.pk}
    assert rows(interview, InterviewMessage.REMINDER) == rows(interview, InterviewMessage.INVITATION) == []


def test_the_rejected_candidate_is_told_in_their_language_after_the_delay(recruiter, interviewer):
    interview = _scheduled(recruiter, interviewer)
    _reject(interview.application, recruiter)

    notice = Notification.objects.get(template=InterviewMessage.APPLICATION_REJECTED)
    assert notice.candidate_id == interview.application.candidate_id
    assert notice.due_at == NOW + timedelta(hours=48)
    assert notice.language == "zh-hans"
    message = render(notice)
    assert message.subject.startswith("关于您的应聘")
    position = interview.application.position.title
    assert position in message.subject and position in message.body
    assert "感谢" in message.body
    # The reason is HR's record, not the candidate's message.
    assert REASON not in message.body


def test_without_a_delay_of_its_own_a_position_uses_the_default(recruiter, settings):
    settings.HRSUITE_REJECTION_NOTICE_HOURS = 6
    application = _application(recruiter, language="en")
    _reject(application, recruiter)

    notice = Notification.objects.get(template=InterviewMessage.APPLICATION_REJECTED)
    assert notice.due_at == NOW + timedelta(hours=6)
    message = render(notice)
    assert message.subject == f"Your application for {application.position.title}"
    assert "not to proceed" in message.body and REASON not in message.body


def _set_delay(api, user, position, hours):
    return api.as_user(user).patch(
        reverse("position-detail", args=[position.pk]), {"rejection_notice_hours": hours}, format="json"
    )


@pytest.mark.parametrize("hours", [0, 72])
def test_a_recruiter_sets_the_delay_of_the_rejection_message_per_position(api, recruiter, hours):
    application = _application(recruiter)
    position = application.position

    response = _set_delay(api, recruiter, position, hours)

    assert response.status_code == 200
    assert response.json()["rejection_notice_hours"] == hours
    change = AuditEvent.objects.filter(target_id=str(position.pk), action=AuditAction.UPDATE).get()
    assert change.changed_fields == ["rejection_notice_hours"]
    _reject(application, recruiter)
    notice = Notification.objects.get(template=InterviewMessage.APPLICATION_REJECTED)
    assert notice.due_at == NOW + timedelta(hours=hours)


@pytest.mark.parametrize("hours", [-1, 721, "soon"])
def test_a_delay_out_of_range_is_a_field_error_and_changes_nothing(api, recruiter, hours):
    position = make_position(recruiter, rejection_notice_hours=24)

    response = _set_delay(api, recruiter, position, hours)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["rejection_notice_hours"]
    position.refresh_from_db()
    assert position.rejection_notice_hours == 24
    assert not AuditEvent.objects.filter(target_id=str(position.pk), action=AuditAction.UPDATE).exists()


def test_clearing_the_delay_returns_the_position_to_the_default(api, recruiter):
    position = make_position(recruiter, rejection_notice_hours=0)
    application = make_application(recruiter, position=position)

    assert _set_delay(api, recruiter, position, None).status_code == 200

    _reject(application, recruiter)
    notice = Notification.objects.get(template=InterviewMessage.APPLICATION_REJECTED)
    assert notice.due_at == NOW + timedelta(hours=48)


def test_an_hr_admin_cannot_change_the_delay(api, recruiter, hr_admin):
    position = make_position(recruiter)

    response = _set_delay(api, hr_admin, position, 0)

    assert response.status_code == 403
    position.refresh_from_db()
    assert position.rejection_notice_hours is None


def test_a_withdrawal_cancels_the_interview_and_sends_no_rejection(recruiter, interviewer):
    interview = _scheduled(recruiter, interviewer)

    application_move(application=interview.application, event="withdraw", actor=recruiter)

    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    assert len(rows(interview, InterviewMessage.CANCELLATION)) == 2
    assert rows(interview, InterviewMessage.REMINDER) == []
    assert not Notification.objects.filter(template=InterviewMessage.APPLICATION_REJECTED).exists()


def test_an_expired_offer_closes_the_application_and_its_interview(recruiter, interviewer):
    interview = _scheduled(recruiter, interviewer)
    application = interview.application
    application_move(application=application, event="await_decision", actor=recruiter)
    make_hire(recruiter, application=application)

    assert offers_expire(now=NOW + timedelta(days=30)) == 1

    application.refresh_from_db()
    interview.refresh_from_db()
    assert application.stage == "withdrawn"
    assert interview.status == Interview.Status.CANCELLED
    assert len(rows(interview, InterviewMessage.CANCELLATION)) == 2


def test_a_rejection_drops_the_scorecard_requests_and_reminders(recruiter, interviewer):
    held = _scheduled(recruiter, interviewer)
    with transaction.atomic():
        interview_transition(interview=held, event="started", actor="provider:simulated")
    interview_ended(interview=held, ended_at=NOW, actor="provider:simulated")
    assert rows(held, InterviewMessage.SCORECARD_REQUEST) and rows(held, InterviewMessage.SCORECARD_REMINDER)

    _reject(held.application, recruiter)

    assert (
        rows(held, InterviewMessage.SCORECARD_REQUEST)
        == rows(held, InterviewMessage.SCORECARD_REMINDER)
        == []
    )
    held.refresh_from_db()
    assert held.status == Interview.Status.COMPLETED  # what was held stays on record


def test_the_candidates_page_offers_no_join_or_new_time_once_rejected(client, recruiter, interviewer):
    interview = _scheduled(recruiter, interviewer)
    page = urlsplit(candidate_links.interview_url(interview=interview)).path
    before = client.get(page).text
    assert interview.join_url in before and 'name="slot"' in before

    _reject(interview.application, recruiter)

    after = client.get(page).text
    assert interview.join_url not in after
    assert 'name="slot"' not in after


def test_the_interviewers_list_no_longer_shows_it_as_upcoming(client, recruiter, interviewer):
    interview = _scheduled(recruiter, interviewer)
    client.force_login(interviewer)
    home = reverse("workspace-home")
    assert interview.join_url in client.get(home).text

    _reject(interview.application, recruiter)

    html = client.get(f"{home}?show=upcoming").text
    assert not re.search(r'<section class="workspace-group upcoming"', html)
    assert interview.join_url not in client.get(home).text


def test_cancellations_go_out_at_once_and_the_rejection_when_due(recruiter, interviewer, smtp_server, clock):
    interview = _scheduled(recruiter, interviewer)
    _reject(interview.application, recruiter)

    outbox_dispatch()
    sent = smtp_server.sink.messages
    methods = [
        part.get_param("method")
        for message in sent
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert methods == ["CANCEL", "CANCEL"]
    assert {m["To"] for m in sent} == {interview.application.candidate.email, interviewer.email}
    (to_candidate,) = [m for m in sent if m["To"] == interview.application.candidate.email]
    # Not the cancellation of an interview that moves: the application is closed.
    assert "您的应聘仍然有效" not in to_candidate.get_body(preferencelist=("plain",)).get_content()

    clock.move_to(NOW + timedelta(hours=48))
    assert outbox_dispatch().sent == 1
    rejection = smtp_server.sink.messages[-1]
    assert rejection["To"] == interview.application.candidate.email
    assert rejection["Content-Language"] == "zh-hans"
    assert rejection["Subject"].startswith("关于您的应聘")


def test_no_rejection_goes_out_for_an_application_no_longer_rejected(recruiter, smtp_server, clock):
    application = _application(recruiter)
    _reject(application, recruiter)
    # A rejection taken back (by a data fix or a future re-review) is not announced.
    type(application).objects.filter(pk=application.pk).update(stage="decision")

    clock.move_to(NOW + timedelta(hours=48))
    result = outbox_dispatch()
    assert (result.sent, result.cancelled) == (0, 1)
    assert smtp_server.sink.accepted == 0
