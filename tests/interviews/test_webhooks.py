"""Provider webhooks: signature, time window, once-only events, each event's effect, assessments."""

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from candidates.models import Application
from hrsuite import signing
from hrsuite.roles import Role
from interviews.models import AIAssessment, Incident, Interview, WebhookEvent
from interviews.providers.simulated import demo_assessment
from notifications.models import Notification
from tests.authz import ROLES, SIGNATURE_AUTHENTICATED
from tests.factories import assessment_payload, make_user
from tests.interviews.webhook_helpers import (
    URL,
    body_for,
    consent_given,
    deliver,
    interview_with_meeting,
)

InterviewStatus = Interview.Status


def _counts():
    return (
        WebhookEvent.objects.count(),
        AuditEvent.objects.count(),
        Incident.objects.count(),
        AIAssessment.objects.count(),
        Notification.objects.count(),
    )


def _status(interview):
    return Interview.objects.values_list("status", flat=True).get(pk=interview.pk)


def _webhook_audit(interview):
    """The audit event the last applied webhook wrote on the interview."""
    events = AuditEvent.objects.filter(target_id=str(interview.pk)).order_by("-id")
    return next(e for e in events if "event_id" in e.detail)


def _started(client, interview):
    assert deliver(client, body_for(interview, "started")).status_code == 200


@pytest.fixture
def interview(recruiter):
    return interview_with_meeting(recruiter)


# --- Signature, time window, shape ---------------------------------------------------------------


def test_started_moves_the_interview_in_progress_with_the_provider_as_actor(client, interview):
    body = body_for(interview, "started", event_id="evt-start-1")
    response = deliver(client, body)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "duplicate": False,
        "event_id": "evt-start-1",
        "interview": str(interview.pk),
        "status": "in_progress",
    }
    assert _status(interview) == InterviewStatus.IN_PROGRESS
    event = WebhookEvent.objects.get()
    assert (event.provider, event.event_id, event.event_type, event.interview_id) == (
        "simulated",
        "evt-start-1",
        "started",
        interview.pk,
    )
    audit = _webhook_audit(interview)
    assert audit.actor_label == "provider:simulated"
    assert audit.detail["event_id"] == "evt-start-1" and audit.changed_fields == ["status"]


def test_a_replayed_event_answers_200_duplicate_and_changes_nothing(client, interview):
    body = body_for(interview, "started")
    assert deliver(client, body).status_code == 200
    before = _counts()
    again = deliver(client, body)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert _counts() == before


def test_a_replayed_completion_stores_no_second_assessment_and_sends_no_second_message(
    client, recruiter, interview
):
    consent_given(recruiter, interview)
    _started(client, interview)
    low = assessment_payload(confidence=0.3)
    body = body_for(interview, "completed", data={"assessment": low})
    assert deliver(client, body).status_code == 200
    before = _counts()
    assert deliver(client, body).json()["duplicate"] is True
    assert _counts() == before
    assert Notification.objects.filter(template="review_needed").count() == 1


def test_a_tampered_body_is_refused_and_nothing_is_stored(client, interview):
    body = body_for(interview, "started")
    headers = signing.signed_headers("simulated", body)
    before = _counts()
    tampered = body.replace(b'"started"', b'"no_show"')
    response = deliver(client, tampered, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert _counts() == before
    assert _status(interview) == InterviewStatus.SCHEDULED


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hrsuite-Timestamp": "now", "X-Hrsuite-Signature": "00"},
        {"X-Hrsuite-Signature": "ab" * 32},
        "wrong-secret",
        "signature-of-other-timestamp",
    ],
    ids=["unsigned", "timestamp-not-a-number", "timestamp-missing", "wrong-secret", "timestamp-swapped"],
)
def test_an_unsigned_or_badly_signed_delivery_is_refused(client, interview, headers):
    body = body_for(interview, "started")
    stamp = str(int(time.time()))
    if headers == "wrong-secret":
        digest = hmac.new(b"not-the-secret", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        headers = {"X-Hrsuite-Timestamp": stamp, "X-Hrsuite-Signature": digest}
    elif headers == "signature-of-other-timestamp":
        signed = signing.signed_headers("simulated", body, timestamp=int(stamp) - 10)
        headers = {**signed, "X-Hrsuite-Timestamp": stamp}
    before = _counts()
    response = deliver(client, body, headers=headers)
    assert response.status_code == 403, response.content
    assert response.json()["error"]["message"]
    assert _counts() == before


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_delivery_signed_more_than_five_minutes_away_is_refused(client, interview, minutes):
    body = body_for(interview, "started")
    signed_at = datetime.datetime.now(tz=datetime.UTC)
    headers = signing.signed_headers("simulated", body, timestamp=int(signed_at.timestamp()))
    before = _counts()
    # Received six minutes after (a captured delivery replayed) or before (a clock far ahead).
    with time_machine.travel(signed_at - datetime.timedelta(minutes=minutes), tick=False):
        response = deliver(client, body, headers=headers)
    assert response.status_code == 403
    assert "300 seconds" in response.json()["error"]["message"]
    assert _counts() == before


def test_a_delivery_inside_the_window_is_accepted(client, interview):
    body = body_for(interview, "started")
    signed_at = datetime.datetime.now(tz=datetime.UTC)
    headers = signing.signed_headers("simulated", body, timestamp=int(signed_at.timestamp()))
    with time_machine.travel(signed_at + datetime.timedelta(minutes=4, seconds=50), tick=False):
        assert deliver(client, body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b"[1, 2]", None),
        (
            json.dumps({"type": "started", "meeting_id": "m", "occurred_at": "2026-01-01T00:00:00Z"}),
            "event_id",
        ),
        (json.dumps({"event_id": "e", "type": "exploded", "meeting_id": "m", "occurred_at": "x"}), "type"),
        (
            json.dumps({"event_id": "e", "type": "started", "meeting_id": "m", "occurred_at": "yesterday"}),
            "occurred_at",
        ),
    ],
    ids=["not-json", "not-an-object", "no-event-id", "unknown-type", "bad-time"],
)
def test_a_malformed_signed_delivery_is_400_with_the_field_named(client, interview, body, field):
    body = body if isinstance(body, bytes) else body.encode()
    before = _counts()
    response = deliver(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_webhook"
    if field:
        assert field in error["fields"]
    assert _counts() == before


def test_an_unknown_meeting_is_404_and_nothing_is_stored(client, interview):
    body = body_for(interview, "started").replace(interview.provider_meeting_id.encode(), b"sim-nobody")
    before = _counts()
    response = deliver(client, body)
    assert response.status_code == 404
    assert "sim-nobody" in response.json()["error"]["message"]
    assert _counts() == before


def test_an_unknown_provider_is_404(client, interview):
    body = body_for(interview, "started")
    response = client.post(
        reverse("provider-webhook", args=["nosuchvendor"]), data=body, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_provider_without_a_configured_secret_accepts_nothing(client, interview, settings):
    settings.HRSUITE_WEBHOOK_SECRETS = "othervendor:" + base64.b64encode(b"x" * 32).decode()
    response = deliver(client, body_for(interview, "started"), headers={"X-Hrsuite-Timestamp": "1"})
    assert response.status_code == 403


# --- Transitions ---------------------------------------------------------------------------------


def test_an_event_that_does_not_fit_the_status_is_409_and_can_be_delivered_again_later(client, interview):
    body = body_for(interview, "completed", event_id="evt-early")
    before = _counts()
    response = deliver(client, body)
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "invalid_transition",
        "message": "Interview in state 'scheduled' does not accept 'completed'.",
        "fields": {},
    }
    assert _counts() == before
    # Nothing was stored, so the provider's retry after "started" is applied, not a duplicate.
    _started(client, interview)
    assert deliver(client, body).json() == {
        "duplicate": False,
        "event_id": "evt-early",
        "interview": str(interview.pk),
        "status": "completed",
    }


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (InterviewStatus.IN_PROGRESS, "started"),
        (InterviewStatus.IN_PROGRESS, "no_show"),
        (InterviewStatus.CANCELLED, "started"),
        (InterviewStatus.COMPLETED, "technical_issue"),
        (InterviewStatus.NO_SHOW, "completed"),
    ],
)
def test_transitions_outside_the_table_are_refused(client, interview, status, event):
    Interview.objects.filter(pk=interview.pk).update(status=status)
    response = deliver(client, body_for(interview, event))
    assert response.status_code == 409
    assert _status(interview) == status
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("kind", ["technical_issue", "no_show"])
def test_a_failure_sets_the_status_and_opens_an_incident(client, interview, kind):
    occurred = datetime.datetime(2026, 3, 2, 2, 5, tzinfo=datetime.UTC)
    details = {"code": "media_timeout", "packet_loss": 0.3}
    body = body_for(interview, kind, occurred_at=occurred, data={"details": details})
    assert deliver(client, body).status_code == 200
    assert _status(interview) == kind
    incident = Incident.objects.get(interview=interview)
    assert (incident.kind, incident.occurred_at, incident.details) == (kind, occurred, details)
    assert incident.provider == "simulated"


def test_a_technical_issue_during_the_interview_is_accepted(client, interview):
    _started(client, interview)
    assert deliver(client, body_for(interview, "technical_issue")).status_code == 200
    assert _status(interview) == InterviewStatus.TECHNICAL_ISSUE


# --- Completion and the AI assessment ------------------------------------------------------------


def test_completion_stores_the_assessment_with_evidence_confidence_and_model_version(
    client, recruiter, interview
):
    consent_given(recruiter, interview)
    _started(client, interview)
    ended = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    body = body_for(
        interview, "completed", data={"ended_at": ended.isoformat(), "assessment": assessment_payload()}
    )
    response = deliver(client, body)
    assert response.status_code == 200, response.content
    interview.refresh_from_db()
    assert (interview.status, interview.ended_at) == (InterviewStatus.COMPLETED, ended)
    assessment = AIAssessment.objects.get(interview=interview)
    assert assessment.model_version == "sim-assess-2026.1"
    assert assessment.needs_human_review is False
    communication = assessment.dimensions.get(dimension="communication")
    assert (float(communication.score), float(communication.confidence)) == (80.0, 0.85)
    assert communication.evidence == [
        {"quote": "I explained the plan to finance", "start_s": 12.0, "end_s": 15.5}
    ]
    created = AuditEvent.objects.get(target_type="interviews.aiassessment")
    assert created.actor_label == "provider:simulated"
    stored = AuditEvent.objects.get(target_type="interviews.aiassessment", action="create")
    assert stored.actor_label == "provider:simulated"
    # Nothing is decided automatically: the application has not moved.
    assert Application.objects.get(pk=interview.application_id).stage == interview.application.stage


def test_emotion_and_facial_expression_inferences_are_not_stored(client, recruiter, interview):
    consent_given(recruiter, interview)
    _started(client, interview)
    payload = demo_assessment(interview)  # carries "facial_expressions" beside the scores
    payload["emotion"] = {"anxious": 0.8}
    assert deliver(client, body_for(interview, "completed", data={"assessment": payload})).status_code == 200
    assessment = AIAssessment.objects.get(interview=interview)
    stored = set(assessment.dimensions.values_list("dimension", flat=True))
    assert stored == {"communication", "problem_solving"}
    assert not {"facial_expressions", "emotion"} & set(assessment.raw_payload)
    assert {d["dimension"] for d in assessment.raw_payload["dimensions"]} == stored


def test_an_emotion_score_refuses_the_delivery_and_the_interview_stays_in_progress(
    client, recruiter, interview
):
    consent_given(recruiter, interview)
    _started(client, interview)
    before = _counts()
    payload = demo_assessment(interview)
    payload["dimensions"].append({"dimension": "emotion", "score": 10, "confidence": 0.99})
    response = deliver(client, body_for(interview, "completed", data={"assessment": payload}))
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("unknown_dimension", ["dimensions[2].dimension"])
    assert _counts() == before
    assert _status(interview) == InterviewStatus.IN_PROGRESS


def test_low_confidence_needs_human_review_and_every_active_recruiter_is_told(client, recruiter, interview):
    second = make_user(Role.RECRUITER, username="recruiter2")
    gone = make_user(Role.RECRUITER, username="recruiter-left")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    consent_given(recruiter, interview)
    _started(client, interview)
    payload = assessment_payload(transcript_quality=0.4)
    assert deliver(client, body_for(interview, "completed", data={"assessment": payload})).status_code == 200
    assessment = AIAssessment.objects.get(interview=interview)
    assert assessment.needs_human_review is True
    told = Notification.objects.filter(template="review_needed", interview=interview)
    assert set(told.values_list("recipient_user", flat=True)) == {recruiter.pk, second.pk}
    assert told.first().payload["assessment"] == str(assessment.pk)


def test_an_invalid_assessment_is_400_and_the_interview_stays_in_progress(client, recruiter, interview):
    consent_given(recruiter, interview)
    _started(client, interview)
    before = _counts()
    payload = assessment_payload(confidence=7, model_version="")
    response = deliver(client, body_for(interview, "completed", data={"assessment": payload}))
    assert response.status_code == 400
    assert {"confidence", "model_version"} <= set(response.json()["error"]["fields"])
    assert _counts() == before
    assert _status(interview) == InterviewStatus.IN_PROGRESS


@pytest.mark.parametrize("scopes", [(), ("general",), ("biometric",)])
def test_without_both_consents_the_assessment_is_withheld_and_a_human_interview_requested(
    client, recruiter, interview, scopes
):
    if scopes:
        consent_given(recruiter, interview, scopes=scopes)
    _started(client, interview)
    body = body_for(interview, "completed", data={"assessment": assessment_payload()})
    assert deliver(client, body).status_code == 200
    assert _status(interview) == InterviewStatus.COMPLETED
    assert not AIAssessment.objects.exists()
    assert _webhook_audit(interview).detail["assessment"] == "withheld_without_consent"
    asked = Notification.objects.get(template="human_interview_needed", interview=interview)
    assert asked.recipient_user == recruiter
    assert asked.payload["application"] == str(interview.application_id)


def test_a_consent_withdrawn_before_completion_withholds_the_assessment(client, recruiter, interview):
    from interviews.services import consent as consent_services

    user = consent_given(recruiter, interview)
    _started(client, interview)
    consent_services.consent_record(
        interview=interview, scope="biometric", decision="withdrawn", notice_version="2026.1", actor=user
    )
    body = body_for(interview, "completed", data={"assessment": assessment_payload()})
    assert deliver(client, body).status_code == 200
    assert not AIAssessment.objects.exists()


# --- Who may call it -----------------------------------------------------------------------------


def test_the_signature_exempt_endpoints_exist():
    assert {name for name in SIGNATURE_AUTHENTICATED if reverse(name, args=["simulated"])} == {
        "provider-webhook"
    }


@pytest.mark.parametrize("role", ROLES)
def test_signing_in_is_no_substitute_for_the_signature(api, interview, role, request):
    fixtures = {
        "recruiter": "recruiter",
        "hr_admin": "hr_admin",
        "interviewer": "interviewer",
        "candidate": "candidate_user",
        "integration": "integration",
        "compliance": "compliance",
    }
    client = api.as_user(request.getfixturevalue(fixtures[role])) if role != "anonymous" else api
    body = body_for(interview, "started")
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert _status(interview) == InterviewStatus.SCHEDULED


def test_a_signed_delivery_needs_no_csrf_token_even_beside_a_session(recruiter, interview):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter)
    assert deliver(client, body_for(interview, "started")).status_code == 200


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_event_delivered_at_once_take_effect_once(recruiter):
    interview = interview_with_meeting(recruiter)
    body = body_for(interview, "technical_issue")
    answers = []
    barrier = threading.Barrier(2)

    def post():
        barrier.wait()
        try:
            answers.append(deliver(Client(), body).json())
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a["duplicate"] for a in answers) == [False, True]
    assert Incident.objects.filter(interview=interview).count() == 1
    assert WebhookEvent.objects.count() == 1
