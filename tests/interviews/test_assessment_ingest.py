"""One way in for every AI assessment (webhook, API, import): an AI interview in a state that takes
one, both consents on the current notice, and only the position's own dimensions."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from hrsuite.errors import ValidationFailed
from interviews.models import AIAssessment, AIDimensionScore, Interview
from interviews.services import consent as consent_services
from interviews.services.assessments import assessment_ingest
from notifications.models import Notification
from tests.factories import (
    assessment_payload,
    give_consent,
    hold_interview,
    make_interview,
    receive_assessment,
)

URL = reverse("assessment-list")


@pytest.fixture
def post(api, integration):
    client = api.as_user(integration)

    def post(interview, **overrides):
        return client.post(
            URL, {"interview": str(interview.pk), **assessment_payload(**overrides)}, format="json"
        )

    return post


def _stored() -> tuple[int, int]:
    return AIAssessment.objects.count(), AIDimensionScore.objects.count()


def _held_ai_interview(recruiter, *, consent=True) -> Interview:
    interview = make_interview(recruiter, kind="ai_video")
    if consent:
        give_consent(interview)
    return hold_interview(interview)


def test_an_ai_interview_held_with_both_consents_takes_its_assessment(post, recruiter):
    interview = _held_ai_interview(recruiter)
    response = post(interview)
    assert response.status_code == 201, response.content
    assessment = AIAssessment.objects.get(interview=interview)
    assert response.json() == {"id": str(assessment.pk)}
    assert set(assessment.dimensions.values_list("dimension", flat=True)) == {
        "communication",
        "problem_solving",
    }


def test_an_interview_still_scheduled_takes_no_assessment(post, recruiter):
    interview = make_interview(recruiter, kind="ai_video")
    give_consent(interview)
    response = post(interview)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "interview_not_assessable"
    assert "scheduled" in response.json()["error"]["message"]
    assert _stored() == (0, 0)


def test_a_live_interview_takes_no_ai_assessment(post, recruiter):
    interview = hold_interview(make_interview(recruiter, kind="live_video"))
    give_consent(interview)
    response = post(interview)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_ai_interview"
    assert set(response.json()["error"]["fields"]) == {"interview"}
    assert _stored() == (0, 0)


def test_without_consent_the_assessment_is_withheld_and_a_person_interviews_instead(post, recruiter):
    interview = _held_ai_interview(recruiter, consent=False)
    response = post(interview)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "consent_missing"
    assert _stored() == (0, 0)
    # The human route, exactly as when the provider's webhook brings it, kept despite the 409.
    told = Notification.objects.filter(template="human_interview_needed", interview=interview)
    assert list(told.values_list("recipient_user", flat=True)) == [recruiter.pk]
    assert told.get().payload["reason"] == "consent_missing_at_completion"
    trail = AuditEvent.objects.get(target_id=str(interview.pk), detail__assessment="withheld_without_consent")
    assert trail.actor_label == "integration:simulated"


def test_one_consent_is_not_enough(post, recruiter):
    interview = make_interview(recruiter, kind="ai_video")
    give_consent(interview, scopes=("general",))
    response = post(hold_interview(interview))
    assert (response.status_code, response.json()["error"]["code"]) == (409, "consent_missing")
    assert _stored() == (0, 0)


def test_consent_given_on_an_older_notice_does_not_count(post, recruiter):
    interview = _held_ai_interview(recruiter)
    consent_services.notice_publish(version="2099.1", language="en", title="New", text="New wording.")
    response = post(interview)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "consent_missing")
    assert _stored() == (0, 0)


@pytest.mark.parametrize("name", ["facial_emotion", "voice_tone", "nervousness", "Communication"])
def test_a_dimension_the_position_does_not_have_is_refused(post, recruiter, name):
    interview = _held_ai_interview(recruiter)
    payload = assessment_payload()
    payload["dimensions"].append({"dimension": name, "score": 20, "confidence": 0.9, "evidence": []})
    response = post(interview, dimensions=payload["dimensions"])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_dimension"
    assert list(error["fields"]) == ["dimensions[2].dimension"]
    assert name in error["fields"]["dimensions[2].dimension"][0]
    assert _stored() == (0, 0)


def test_a_dimension_named_twice_is_refused(post, recruiter):
    interview = _held_ai_interview(recruiter)
    payload = assessment_payload()
    payload["dimensions"].append(dict(payload["dimensions"][0]))
    response = post(interview, dimensions=payload["dimensions"])
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["dimensions[2].dimension"]
    assert _stored() == (0, 0)


def test_what_is_kept_of_the_payload_is_what_hrsuite_knows(recruiter):
    interview = _held_ai_interview(recruiter)
    payload = assessment_payload(emotion={"anxious": 0.8}, facial_expressions={"smile_ratio": 0.1})
    assessment = receive_assessment(interview, payload, consent=False)
    assert set(assessment.raw_payload) == {
        "overall_score",
        "confidence",
        "transcript_quality",
        "model_version",
        "dimensions",
    }


def test_a_flagged_assessment_from_the_api_asks_the_recruiters_for_a_review(post, recruiter):
    interview = _held_ai_interview(recruiter)
    assert post(interview, confidence=0.3).status_code == 201
    assessment = AIAssessment.objects.get(interview=interview)
    assert assessment.needs_human_review
    told = Notification.objects.get(template="review_needed", interview=interview)
    assert told.payload["assessment"] == str(assessment.pk)


def test_a_second_assessment_of_the_same_interview_is_refused(post, recruiter):
    interview = _held_ai_interview(recruiter)
    assert post(interview).status_code == 201
    again = post(interview)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "assessed_already"
    assert _stored() == (1, 2)


def test_what_a_webhook_brings_is_checked_like_the_rest(recruiter):
    interview = _held_ai_interview(recruiter)
    payload = assessment_payload()
    payload["dimensions"][0]["dimension"] = ["communication"]
    payload["dimensions"][1]["evidence"] = [{"quote": "we split it", "start_s": "soon", "end_s": 3}]
    with pytest.raises(ValidationFailed) as refused:
        assessment_ingest(interview=interview, payload=payload, actor="provider:simulated")
    assert set(refused.value.fields) == {"dimensions[0].dimension", "dimensions[1].evidence[0].start_s"}
    assert _stored() == (0, 0)
