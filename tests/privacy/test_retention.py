"""The nightly purge: exactly what is past its retention period goes, by rule, under time-machine;
the settings keep the consent notice's promise; the audit trail is never purged; HR reads the
report."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_verify
from candidates.models import Candidate
from candidates.services.applications import application_move
from hrsuite.fields import is_erased
from interviews.models import AIAssessment, AIDimensionScore, ConsentNotice
from interviews.services import candidate_links
from interviews.services import consent as consent_services
from onboarding.models import OnboardingDocument
from onboarding.services import decisions, offers, plans
from privacy.models import ErasureHandOff, RetentionRun
from privacy.services import retention
from tests.authz import PNG
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_candidate,
    make_hire,
    make_interview,
    receive_assessment,
)

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _at(days: int):
    return time_machine.travel(START + timedelta(days=days), tick=False)


def _interviewed(recruiter, name: str):
    """An application in interviewing, its AI interview held and assessed (with evidence)."""
    application = make_application(recruiter, candidate=make_candidate(recruiter, full_name=name))
    application_move(application=application, event="interview", actor=recruiter)
    interview = make_interview(recruiter, application=application, starts_in=timedelta(hours=1))
    receive_assessment(interview)
    return application, interview


def _rejected(recruiter, application):
    application_move(application=application, event="await_decision", actor=recruiter)
    decisions.decision_record(application=application, outcome="reject", reason="Not now.", actor=recruiter)


# --- The notice and the settings ---------------------------------------------------------------------


def test_the_periods_keep_the_consent_notices_promise(db):
    consent_services.default_notices_publish()
    notices = list(ConsentNotice.objects.all())
    assert {notice.language for notice in notices} >= {"en", "zh-hans"}
    for notice in notices:
        promised = re.search(r"(\d+) months|(\d+) 个月", notice.text)
        assert promised, f"the {notice.language} notice names no retention period"
        months = int(promised.group(1) or promised.group(2))
        for rule in ("recordings", "ai_assessments", "rejected_files"):
            assert settings.HRSUITE_RETENTION_DAYS[rule] <= months * 365 // 12, (notice.language, rule)


# --- The purge ---------------------------------------------------------------------------------------


@pytest.fixture
def histories(recruiter, candidate_user):
    """Made on day 0: one rejected then (its file erased after a year), one rejected on day 100
    (kept at day 380), one hired on day 0 (its recording, transcript and quotes go after a year,
    the file stays), one whose consent was withdrawn on day 0 (the recording goes at once), and a
    new hire's document whose onboarding ended on day 0, the hire withdrawing (the document goes
    after 90 days, their file after a year)."""
    with _at(0):
        old, old_interview = _interviewed(recruiter, "Olive Oldfile")
        _rejected(recruiter, old)
        hired, hired_interview = _interviewed(recruiter, "Hana Hired")
        application_move(application=hired, event="await_decision", actor=recruiter)
        offer = make_hire(recruiter, application=hired)
        offers.offer_answer(offer=offer, accept=True, actor="system:test")
        withdrawn, withdrawn_interview = _interviewed(recruiter, "Wren Withdrew")
        candidate_links.consent_decide_by_link(
            token=candidate_links.consent_token(interview=withdrawn_interview),
            decisions={"biometric": "withdrawn"},
            notice_version=consent_services.notice_current(language="en").version,
        )
        recent, recent_interview = _interviewed(recruiter, "Rhea Recent")
        document_offer = make_hire(recruiter)
        offers.offer_answer(offer=document_offer, accept=True, actor="system:test")
        plan = document_offer.onboarding_plan
        task = plan.tasks.filter(kind="document").first()
        plans.task_document_upload(
            task=task, filename="diploma.png", content_type="image/png", content=PNG, actor="system:test"
        )
        plans.plan_cancel(plan=plan, reason="hire_withdrew", actor=recruiter)
    with _at(100):
        _rejected(recruiter, recent)
    return {
        "old": (old, old_interview),
        "hired": (hired, hired_interview),
        "withdrawn": (withdrawn, withdrawn_interview),
        "recent": (recent, recent_interview),
        "document_plan": plan,
    }


@pytest.fixture
def purge(django_capture_on_commit_callbacks):
    """A night's run, its after-commit work done (the erased people's keys destroyed)."""

    def run() -> RetentionRun:
        with django_capture_on_commit_callbacks(execute=True):
            return retention.retention_purge()

    return run


def _provider_asked(interview) -> bool:
    return ErasureHandOff.objects.filter(kind="provider", reference=interview.provider_meeting_id).exists()


def test_the_first_night_takes_only_the_withdrawn_consents_recording(purge, histories):
    with _at(1):
        run = purge()

    assert _provider_asked(histories["withdrawn"][1])
    assert [name for name in ("old", "hired", "recent") if _provider_asked(histories[name][1])] == []
    assert run.purged == {
        "recordings": 0,
        "consent_withdrawn": 1,
        "ai_assessments": 0,
        "rejected_files": 0,
        "onboarding_documents": 0,
    }
    assert OnboardingDocument.objects.filter(task__plan=histories["document_plan"]).exists()


def test_after_a_year_exactly_what_expired_is_purged(purge, histories):
    events_before = AuditEvent.objects.count()
    with _at(1):
        purge()
    with _at(380):
        run = purge()

    old_application, old_interview = histories["old"]
    hired_application, hired_interview = histories["hired"]
    recent_application, recent_interview = histories["recent"]
    # The file rejected on day 0: erased whole; its recording was asked for as part of it.
    old = Candidate.objects.get(pk=old_application.candidate_id)
    assert old.erased_at is not None and is_erased(old.full_name)
    assert _provider_asked(old_interview)
    # The hire: recording, transcript and quotes gone, the file and the scores kept.
    hired = Candidate.objects.get(pk=hired_application.candidate_id)
    assert hired.erased_at is None and hired.full_name == "Hana Hired"
    assessment = AIAssessment.objects.get(interview=hired_interview)
    assert (assessment.transcript, assessment.raw_payload) == ("", {})
    scores = AIDimensionScore.objects.filter(assessment=assessment)
    assert scores.exists() and all(score.evidence == [] and score.score for score in scores)
    assert _provider_asked(hired_interview)
    # Rejected on day 100: 280 days ago, everything kept.
    recent = Candidate.objects.get(pk=recent_application.candidate_id)
    assert recent.erased_at is None and not _provider_asked(recent_interview)
    kept = AIAssessment.objects.get(interview=recent_interview)
    assert kept.transcript and any(score.evidence for score in kept.dimensions.all())
    # The document of the onboarding that ended on day 0.
    assert not OnboardingDocument.objects.filter(task__plan=histories["document_plan"]).exists()
    # The hire who withdrew before starting is a file that ended without a hire on day 0 too.
    document_hire = Candidate.objects.get(pk=histories["document_plan"].application.candidate_id)
    assert document_hire.erased_at is not None
    assert run.purged == {
        "recordings": 2,  # the rejected file's and the hire's
        "consent_withdrawn": 0,
        "ai_assessments": 2,
        "rejected_files": 2,
        "onboarding_documents": 1,
    }
    assert not any(run.left.values())
    # The trail only grew, and still verifies.
    assert AuditEvent.objects.count() > events_before
    checked, broken = audit_verify()
    assert broken is None and checked > 0


def test_a_second_run_the_same_night_purges_nothing_more(purge, histories):
    with _at(380):
        purge()
        again = purge()

    assert set(again.purged.values()) == {0}


def test_a_rule_takes_at_most_its_share_a_night_and_says_more_is_left(purge, recruiter, monkeypatch):
    monkeypatch.setattr(retention, "PER_RULE", 2)
    with _at(0):
        for _ in range(3):
            application = application_awaiting_decision(recruiter)
            decisions.decision_record(
                application=application, outcome="reject", reason="Not now.", actor=recruiter
            )
    with _at(400):
        first = purge()
        second = purge()

    assert (first.purged["rejected_files"], first.left["rejected_files"]) == (2, True)
    assert (second.purged["rejected_files"], second.left["rejected_files"]) == (1, False)
    assert Candidate.objects.filter(erased_at__isnull=False).count() == 3


# --- The report ------------------------------------------------------------------------------------


def test_hr_reads_the_report_and_no_one_else(purge, client, histories, recruiter, hr_admin, interviewer):
    with _at(380):
        purge()
    for reader in (recruiter, hr_admin):
        client.force_login(reader)
        page = client.get(reverse("hr-retention"))
        assert page.status_code == 200
        assert "Whole files of candidates not hired (erased)" in page.text
        assert "Olive" not in page.text and "Hana" not in page.text
    client.force_login(interviewer)
    assert client.get(reverse("hr-retention")).status_code in (403, 404)
    assert RetentionRun.objects.count() == 1
