"""Consent to AI interviews: notices, decisions with their evidence, withdrawal, routing to people."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from candidates.services.candidates import candidate_portal_link
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.roles import Role
from interviews.models import Consent, ConsentNotice, Interview
from interviews.services import consent as consent_services
from notifications.models import Notification
from tests.authz import ROLES
from tests.factories import make_application, make_candidate, make_user, receive_assessment
from tests.interviews.webhook_helpers import candidate_portal_user, interview_with_meeting

NOTICE_URL = reverse("consent-notice")
CONSENTS_URL = reverse("consent-list")


@pytest.fixture
def notices(db):
    return consent_services.default_notices_publish()


@pytest.fixture
def interview(recruiter, notices):
    return interview_with_meeting(recruiter)


@pytest.fixture
def candidate(recruiter, interview):
    return candidate_portal_user(recruiter, interview, username="portal-candidate")


def _decide(api, user, interview, scope, decision, version="2026.1", **extra):
    body = {"interview": str(interview.pk), "scope": scope, "decision": decision, "notice_version": version}
    return api.as_user(user).post(CONSENTS_URL, body, format="json", **extra)


# --- Notices -------------------------------------------------------------------------------------


def test_default_notices_exist_in_english_and_chinese_with_their_hash(notices):
    by_language = {n.language: n for n in ConsentNotice.objects.filter(version="2026.1")}
    assert set(by_language) == {"en", "zh-hans"}
    for notice in by_language.values():
        assert notice.text_sha256 == hashlib.sha256(notice.text.encode()).hexdigest()
    english = by_language["en"].text
    for words in ("only what you say is scored", "no emotion analysis", "facial-expression", "Retention"):
        assert words in english
    assert "不进行情绪分析" in by_language["zh-hans"].text


def test_publishing_a_notice_again_changes_nothing_and_other_wording_needs_a_new_version(notices):
    count = ConsentNotice.objects.count()
    assert consent_services.default_notices_publish() == notices
    assert ConsentNotice.objects.count() == count
    with pytest.raises(ValidationFailed):
        consent_services.notice_publish(
            version="2026.1", language="en", title=notices[0].title, text="Other."
        )
    newer = consent_services.notice_publish(version="2026.2", language="en", title="New", text="New text.")
    assert newer.text_sha256 == hashlib.sha256(b"New text.").hexdigest()
    assert consent_services.notice_current(language="en") == newer


def test_the_candidate_reads_the_notice_in_their_language_with_their_decisions(api, recruiter, notices):
    application = make_application(
        recruiter, candidate=make_candidate(recruiter, preferred_language="zh-hans")
    )
    interview = interview_with_meeting(recruiter, application=application)
    user = candidate_portal_user(recruiter, interview)
    response = api.as_user(user).get(NOTICE_URL, {"interview": str(interview.pk)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["notice"]["language"] == "zh-hans"
    assert body["notice"]["version"] == "2026.1"
    assert body["consents"] == {"general": None, "biometric": None}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_candidate_reads_the_notice_of_their_own_interview(api, request, interview, candidate, role):
    users = {
        "recruiter": "recruiter",
        "hr_admin": "hr_admin",
        "interviewer": "interviewer",
        "candidate": "candidate_user",
        "integration": "integration",
        "compliance": "compliance",
    }
    client = api.as_user(request.getfixturevalue(users[role])) if role != "anonymous" else api
    # `candidate_user` is a candidate, but not this interview's: the same 404 as a missing one.
    expected = {"anonymous": 401, "candidate": 404}.get(role, 403)
    response = client.get(NOTICE_URL, {"interview": str(interview.pk)})
    assert response.status_code == expected
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert api.as_user(candidate).get(NOTICE_URL, {"interview": str(interview.pk)}).status_code == 200


# --- Decisions -----------------------------------------------------------------------------------


def test_a_decision_stores_notice_version_time_ip_and_user_agent(api, interview, candidate, notices):
    response = _decide(
        api,
        candidate,
        interview,
        "biometric",
        "given",
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Firefox/140",
    )
    assert response.status_code == 201, response.content
    consent = Consent.objects.get()
    assert (consent.scope, consent.decision, consent.ip, consent.user_agent) == (
        "biometric",
        "given",
        "203.0.113.7",
        "Firefox/140",
    )
    assert consent.notice == next(n for n in notices if n.language == "en")
    assert consent.decided_at is not None
    assert response.json()["notice_sha256"] == consent.notice.text_sha256
    audit = AuditEvent.objects.get(target_id=str(consent.pk))
    assert audit.actor == candidate and audit.detail["notice_version"] == "2026.1"


def test_the_latest_decision_per_scope_counts_and_withdrawal_is_possible_any_time(api, interview, candidate):
    assert _decide(api, candidate, interview, "general", "given").status_code == 201
    assert _decide(api, candidate, interview, "biometric", "given").status_code == 201
    assert consent_services.consent_complete(interview=interview)
    assert _decide(api, candidate, interview, "biometric", "withdrawn").status_code == 201
    assert consent_services.consent_state(interview=interview) == {
        "general": "given",
        "biometric": "withdrawn",
    }
    assert not consent_services.consent_complete(interview=interview)
    assert Consent.objects.count() == 3  # every decision is kept


def test_withdrawing_consent_deletes_an_assessment_already_made(api, recruiter, interview, candidate):
    from audit.models import AuditEvent
    from interviews.models import AIAssessment

    assert _decide(api, candidate, interview, "general", "given").status_code == 201
    assert _decide(api, candidate, interview, "biometric", "given").status_code == 201
    assessment = receive_assessment(interview, actor="provider:simulated")
    assert _decide(api, candidate, interview, "biometric", "withdrawn").status_code == 201
    assert not AIAssessment.objects.filter(pk=assessment.pk).exists()
    deleted = AuditEvent.objects.get(action="delete", target_id=str(assessment.pk))
    assert deleted.detail["reason"] == "consent_withdrawn_biometric"


def test_withdrawing_consent_takes_back_a_released_result(api, recruiter, interview, candidate):
    from audit.models import AuditEvent
    from interviews.services.interviews import interview_results_release

    assessment = receive_assessment(interview, actor="provider:simulated")
    interview_results_release(interview=interview, actor=recruiter)
    assert _decide(api, candidate, interview, "general", "withdrawn").status_code == 201
    interview.refresh_from_db()
    # A result arriving later is shown only once HR releases that one.
    assert interview.results_released_at is None
    deleted = AuditEvent.objects.get(action="delete", target_id=str(assessment.pk))
    assert deleted.detail["release_withdrawn"] is True


def test_withdrawing_what_was_never_given_is_409(api, interview, candidate):
    response = _decide(api, candidate, interview, "general", "withdrawn")
    assert response.status_code == 409
    assert not Consent.objects.exists()


def test_a_decision_on_an_outdated_notice_is_refused(api, interview, candidate):
    consent_services.notice_publish(version="2026.2", language="en", title="New", text="New wording.")
    response = _decide(api, candidate, interview, "general", "given", version="2026.1")
    assert response.status_code == 400
    assert "notice_version" in response.json()["error"]["fields"]
    assert not Consent.objects.exists()


def test_nobody_decides_for_the_candidate(recruiter, interview, candidate):
    with pytest.raises(NotFound):
        consent_services.consent_record(
            interview=interview, scope="general", decision="given", notice_version="2026.1", actor=recruiter
        )


# --- Routing without consent ---------------------------------------------------------------------


@pytest.mark.parametrize(("scope", "decision"), [("biometric", "refused"), ("general", "withdrawn")])
def test_refusing_before_an_ai_interview_makes_it_a_live_interview_and_tells_recruiters(
    api, recruiter, interview, candidate, scope, decision
):
    if decision == "withdrawn":
        _decide(api, candidate, interview, scope, "given")
    assert _decide(api, candidate, interview, scope, decision).status_code == 201
    interview.refresh_from_db()
    assert (interview.kind, interview.status) == (Interview.Kind.LIVE_VIDEO, Interview.Status.SCHEDULED)
    converted = AuditEvent.objects.get(target_id=str(interview.pk), changed_fields=["kind"])
    assert converted.detail["human_interviewer_needed"] is True
    assert converted.detail["from"] == "ai_video"
    asked = Notification.objects.get(template="human_interview_needed", recipient_user=recruiter)
    assert asked.payload["converted_to_live_video"] is True
    # Refusing has no other effect on the application.
    assert (
        interview.application.stage
        == type(interview.application).objects.get(pk=interview.application_id).stage
    )


def test_refusing_for_a_live_interview_changes_nothing_else(api, recruiter, notices):
    interview = interview_with_meeting(recruiter, kind="live_video")
    user = candidate_portal_user(recruiter, interview)
    assert _decide(api, user, interview, "biometric", "refused").status_code == 201
    interview.refresh_from_db()
    assert interview.kind == Interview.Kind.LIVE_VIDEO
    assert not Notification.objects.filter(template="human_interview_needed").exists()


# --- Who sees decisions --------------------------------------------------------------------------


def test_recruiters_and_hr_admins_list_every_decision_and_interviewers_none(
    api, recruiter, hr_admin, interviewer, interview, candidate, django_assert_max_num_queries
):
    for scope in ("general", "biometric"):
        _decide(api, candidate, interview, scope, "given")
    for staff in (recruiter, hr_admin):
        with django_assert_max_num_queries(12):
            response = api.as_user(staff).get(CONSENTS_URL, {"interview": str(interview.pk)})
        assert response.status_code == 200
        assert {row["scope"] for row in response.json()["results"]} == {"general", "biometric"}
    assert api.as_user(interviewer).get(CONSENTS_URL).json()["results"] == []
    # HR admins read only.
    assert _decide(api, hr_admin, interview, "general", "given").status_code == 403


def test_the_consent_list_costs_the_same_queries_for_one_or_many_rows(
    api, recruiter, notices, django_assert_num_queries
):
    client = api.as_user(recruiter)
    first = interview_with_meeting(recruiter)
    user = candidate_portal_user(recruiter, first)
    consent_services.consent_record(
        interview=first, scope="general", decision="given", notice_version="2026.1", actor=user
    )
    with CaptureQueriesContext(connection) as one:
        client.get(CONSENTS_URL)
    for _ in range(4):
        other = interview_with_meeting(recruiter)
        other_user = make_user(Role.CANDIDATE)
        candidate_portal_link(candidate=other.application.candidate, user=other_user, actor=recruiter)
        consent_services.consent_record(
            interview=other, scope="biometric", decision="refused", notice_version="2026.1", actor=other_user
        )
    with django_assert_num_queries(len(one)):
        assert len(client.get(CONSENTS_URL).json()["results"]) == 5
