"""A candidate who restricted the processing of their data is not assessed by AI: whatever brings
the assessment (the provider's webhook, the API), it is withheld, nothing of it kept, and the
recruiters are asked for an interview a person assesses, as when consent is missing."""

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from hrsuite.errors import ValidationFailed
from interviews.models import AIAssessment, Interview
from interviews.services.scheduling import interview_schedule
from notifications.models import Notification
from notifications.services.outbox import outbox_dispatch
from privacy.services import requests as services
from tests.factories import assessment_payload, give_consent, hold_interview
from tests.interviews.scheduling_helpers import NOW, application_in, shanghai
from tests.interviews.webhook_helpers import body_for, deliver, interview_with_meeting


@pytest.fixture
def interview(recruiter):
    interview = interview_with_meeting(recruiter)
    give_consent(interview)  # consent alone does not outweigh the restriction
    return interview


def _restrict(recruiter, interview):
    return services.privacy_request_record(
        candidate=interview.application.candidate,
        kind="restriction",
        channel="email",
        text="No AI on my interviews, please.",
        actor=recruiter,
    )


def _withheld_event(interview):
    return AuditEvent.objects.get(
        target_id=str(interview.pk), detail__assessment="withheld_processing_restricted"
    )


def test_a_restricted_candidates_assessment_from_the_webhook_is_withheld(client, recruiter, interview):
    _restrict(recruiter, interview)
    assert deliver(client, body_for(interview, "started")).status_code == 200
    body = body_for(interview, "completed", data={"assessment": assessment_payload()})
    response = deliver(client, body)

    assert response.status_code == 200, response.content  # the interview did end: the event is taken
    assert Interview.objects.get(pk=interview.pk).status == "completed"
    assert not AIAssessment.objects.exists()
    event = _withheld_event(interview)
    assert event.detail["reason"] == "processing_restricted"
    assert "transcript" not in str(event.detail)
    asked = Notification.objects.get(template="human_interview_needed", interview=interview)
    assert (asked.recipient_user, asked.payload["reason"]) == (recruiter, "processing_restricted")


def test_the_recruiters_are_told_why_a_person_must_assess(client, recruiter, interview, smtp_server):
    _restrict(recruiter, interview)
    deliver(client, body_for(interview, "started"))
    deliver(client, body_for(interview, "completed", data={"assessment": assessment_payload()}))
    outbox_dispatch()
    (message,) = [m for m in smtp_server.sink.messages if "Human-reviewed interview needed" in m["Subject"]]
    assert "asked that their data not be processed by AI" in message.get_body(("plain",)).get_content()


def test_a_restricted_candidates_assessment_from_the_api_is_refused(api, recruiter, integration):
    interview = hold_interview(interview_with_meeting(recruiter))
    give_consent(interview)
    _restrict(recruiter, interview)
    response = api.as_user(integration).post(
        reverse("assessment-list"), {"interview": str(interview.pk), **assessment_payload()}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "processing_restricted"
    assert not AIAssessment.objects.exists()
    assert _withheld_event(interview).actor_label == integration.username


def test_once_the_restriction_is_refused_the_assessment_is_kept(api, recruiter, integration):
    interview = hold_interview(interview_with_meeting(recruiter))
    give_consent(interview)
    request = _restrict(recruiter, interview)
    services.privacy_request_refuse(request=request, actor=recruiter, reason="Could not verify it was you.")
    response = api.as_user(integration).post(
        reverse("assessment-list"), {"interview": str(interview.pk), **assessment_payload()}, format="json"
    )
    assert response.status_code == 201, response.content
    assert AIAssessment.objects.filter(interview=interview).exists()


def test_another_candidates_restriction_withholds_nothing(api, recruiter, integration):
    restricted = interview_with_meeting(recruiter)
    _restrict(recruiter, restricted)
    interview = hold_interview(interview_with_meeting(recruiter))
    give_consent(interview)
    response = api.as_user(integration).post(
        reverse("assessment-list"), {"interview": str(interview.pk), **assessment_payload()}, format="json"
    )
    assert response.status_code == 201, response.content
    assert not Notification.objects.filter(template="human_interview_needed").exists()


def test_no_ai_interview_is_scheduled_for_a_restricted_candidate(recruiter):
    application = application_in(recruiter)
    services.privacy_request_record(
        candidate=application.candidate, kind="restriction", channel="email", text="No AI.", actor=recruiter
    )
    starts_at = shanghai(2027, 3, 2, 10, 0)  # a Tuesday morning, no holiday

    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ValidationFailed) as refused:
            interview_schedule(application=application, kind="ai_video", starts_at=starts_at, actor=recruiter)
        live = interview_schedule(
            application=application, kind="live_video", starts_at=starts_at, actor=recruiter
        )

    assert list(refused.value.fields) == ["kind"]
    assert live.kind == "live_video"
