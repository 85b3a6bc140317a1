"""`manage.py seed_demo`: made through the services, loaded once, and each role sees its share."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_verify
from candidates.models import (
    Application,
    ApplicationIntake,
    Candidate,
    CandidateUserObjectPermission,
    Position,
    ResumeFile,
    Stage,
    StageChange,
)
from candidates.services.candidates import email_index
from candidates.services.resume_files import resume_texts_extract
from demo.management.commands.seed_demo import (
    DEFAULT_PASSWORD,
    MARKER_POSITION,
    PORTAL_CANDIDATES,
    USERS,
)
from hrsuite import persons
from hrsuite.fields import is_erased
from hrsuite.permissions import restrict
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    Consent,
    HumanReview,
    Incident,
    Interview,
    InterviewAssignment,
    InterviewUserObjectPermission,
    Scorecard,
    WebhookEvent,
)
from interviews.services.consent import consent_complete
from notifications.models import Notification
from onboarding.models import Offer, OnboardingPlan
from privacy.models import ErasureHandOff, PrivacyRequest
from privacy.services import erasure
from tests.factories import built_once

SEEDED_MODELS = [
    User,
    Position,
    Candidate,
    ResumeFile,
    Application,
    StageChange,
    Interview,
    InterviewAssignment,
    InterviewUserObjectPermission,
    CandidateUserObjectPermission,
    AIAssessment,
    AIDimensionScore,
    HumanReview,
    Scorecard,
    Consent,
    Incident,
    Notification,
    WebhookEvent,
    PrivacyRequest,
    AuditEvent,
]


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


def _seed_twice() -> dict:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
        first_output = _seed()
        counts = _counts()
        second_output = _seed()
    return {"first": first_output, "counts": counts, "second": second_output}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The demo data, seeded (twice) once for the module: every test here reads it (a seed into
    an empty database is tests/demo/test_seed_demo_password.py's)."""
    yield from built_once(django_db_blocker, _seed_twice)


@pytest.fixture
def seeded(db, seeded_once):
    return seeded_once


def _user(username: str) -> User:
    return User.objects.get(username=username)  # fresh: role caches live on the user object


def test_demo_users_exist_with_their_roles_and_the_printed_password(seeded):
    for username, role, *_ in USERS:
        user = _user(username)
        assert user.has_role(role)
        assert user.check_password(DEFAULT_PASSWORD)
        assert username in seeded["first"]
    assert DEFAULT_PASSWORD in seeded["first"]
    assert _user("interviewer1").preferred_language == "zh-hans"
    assert _user("interviewer2").time_zone == "America/Chicago"


def test_second_run_creates_nothing_and_says_so(seeded):
    assert _counts() == seeded["counts"]
    assert "nothing changed" in seeded["second"]
    assert seeded["counts"]["Candidate"] >= 12


def test_each_interviewer_sees_some_candidates_and_not_others(seeded):
    everyone = set(Candidate.objects.values_list("pk", flat=True))
    seen = {}
    for username in ("interviewer1", "interviewer2"):
        seen[username] = set(
            restrict(Candidate.objects, user=_user(username), action="view").values_list("pk", flat=True)
        )
        assert seen[username]
        assert seen[username] < everyone
    assert seen["interviewer1"] != seen["interviewer2"]


def test_two_candidates_sent_a_resume_file_whose_text_the_worker_reads(seeded):
    files = {
        f.original_filename: f
        for f in ResumeFile.objects.select_related("candidate").filter(uploaded_by__isnull=False)
    }
    assert {name: (f.content_type[-4:], f.status) for name, f in files.items()} == {
        "Emily Johnson - CV.pdf": ("/pdf", "pending"),
        "陈静 Chen Jing 简历.docx": ("ment", "pending"),
    }

    assert resume_texts_extract().extracted == 5  # with the three that came through the careers page

    emily, chen = (files[name].candidate for name in ("Emily Johnson - CV.pdf", "陈静 Chen Jing 简历.docx"))
    emily.refresh_from_db()
    chen.refresh_from_db()
    assert "Looker dashboards for 200 stores" in emily.resume_text
    assert "亚太区企业客户" in chen.resume_text


def test_candidate_user_sees_exactly_their_own_candidate_row(seeded):
    candidate_user = _user("candidate1")
    visible = list(restrict(Candidate.objects, user=candidate_user, action="view"))
    assert [c.user_id for c in visible] == [candidate_user.pk]


def test_candidate1_has_two_interviews_one_with_released_results(seeded):
    interviews = Interview.objects.filter(application__candidate__user__username="candidate1")
    assert interviews.count() == 2
    released = interviews.filter(results_released_at__isnull=False)
    assert released.count() == 1
    assert AIAssessment.objects.filter(interview__in=released).exists()


def test_every_interview_kind_and_status_occurs(seeded):
    assert set(Interview.objects.values_list("kind", flat=True)) == set(Interview.Kind.values)
    assert set(Interview.objects.values_list("status", flat=True)) == set(Interview.Status.values)


def test_every_assignment_carries_its_interviews_status_and_start(seeded):
    assignments = list(InterviewAssignment.objects.select_related("interview"))
    stale = [
        a
        for a in assignments
        if (a.interview_status, a.interview_starts_at) != (a.interview.status, a.interview.starts_at)
    ]
    assert assignments and not stale


def test_one_low_confidence_assessment_goes_to_human_review(seeded):
    flagged = AIAssessment.objects.filter(needs_human_review=True)
    assert flagged.count() == 1
    assert HumanReview.objects.filter(dimension_score__assessment=flagged.get()).exists()
    assert Notification.objects.filter(template="review_needed", interview=flagged.get().interview).exists()
    # Only each position's own dimensions are scored.
    for score in AIDimensionScore.objects.select_related("assessment__interview__application__position"):
        assert score.dimension in score.assessment.interview.application.position.dimension_weights


def test_every_ai_assessment_has_both_consents_on_the_current_notice(seeded):
    assessments = list(AIAssessment.objects.select_related("interview__application__candidate"))
    assert len(assessments) == 4
    for assessment in assessments:
        assert consent_complete(interview=assessment.interview), assessment.interview
    # They came as the provider's reports, through the one way in.
    assert set(
        AuditEvent.objects.filter(target_type="interviews.aiassessment").values_list("actor_label", flat=True)
    ) == {"provider:simulated"}
    assert WebhookEvent.objects.filter(event_type="completed").count() == 4


def test_every_released_result_was_reviewed_where_the_ai_flagged_it(seeded):
    released = AIAssessment.objects.filter(interview__results_released_at__isnull=False)
    assert released.count() == 2
    assert released.filter(needs_human_review=True).exists()
    for assessment in released:
        assert not assessment.waits_for_review
        if assessment.needs_human_review:
            assert assessment.first_reviewed_at <= assessment.interview.results_released_at


def test_scheduled_interviews_have_their_invitations_and_reminders_in_the_outbox(seeded):
    scheduled = Interview.objects.filter(status=Interview.Status.SCHEDULED).prefetch_related("assignments")
    assert scheduled.count() == 4
    for interview in scheduled:
        people = 1 + len(interview.assignments.all())
        for template in ("invitation", "reminder"):
            rows = Notification.objects.filter(interview=interview, template=template, status="pending")
            assert rows.count() == people, (interview, template)
    cancelled = Interview.objects.get(status=Interview.Status.CANCELLED)
    assert Notification.objects.filter(interview=cancelled, template="cancellation").exists()
    assert not Notification.objects.filter(
        interview=cancelled, template="reminder", status="pending"
    ).exists()
    # Failures and no-shows offer the candidate a new time.
    assert set(Incident.objects.values_list("resolution", flat=True)) == {"reschedule_offered"}
    assert Notification.objects.filter(template="reschedule_offer").count() == 2


def test_the_demo_recruiter_finds_the_outbox_filled(seeded, api):
    body = api.as_user(_user("recruiter")).get(reverse("notification-list"), {"page_size": 100}).json()
    assert body["count"] == Notification.objects.count() > 0
    assert {"invitation", "reminder"} <= {row["template"] for row in body["results"]}


def test_one_scorecard_is_submitted_and_one_is_a_draft(seeded):
    statuses = sorted(Scorecard.objects.values_list("status", flat=True))
    assert statuses == [Scorecard.Status.DRAFT, Scorecard.Status.SUBMITTED]


def test_data_went_through_the_services_and_the_audit_chain_holds(seeded):
    created = AuditEvent.objects.filter(action=AuditAction.CREATE)
    assert created.filter(target_type="candidates.candidate").count() == Candidate.objects.count()
    assert created.filter(target_type="interviews.interview").count() == Interview.objects.count()
    grants = AuditEvent.objects.filter(action=AuditAction.PERMISSION_GRANT).count()
    # Three grants per assignment, and one for the candidate's portal link.
    assert grants == 3 * InterviewAssignment.objects.count() + len(PORTAL_CANDIDATES)
    checked, broken = audit_verify()
    assert (checked, broken) == (AuditEvent.objects.count(), None)


def test_privacy_requests_of_each_kind_and_one_erasure_carried_out(seeded):
    requests = {row.kind: row for row in PrivacyRequest.objects.select_related("candidate")}
    assert set(requests) == {"access", "correction", "erasure"}
    assert requests["access"].state == "in_progress"
    erased = requests["erasure"].candidate
    assert erased.erased_at is not None
    # The key goes as the erasure commits, or with beat's next run: here, inside the seeding's
    # transaction, with the run.
    assert ErasureHandOff.objects.filter(request=requests["erasure"], kind="key").exists()
    erasure.erasure_hand_offs_run()
    persons.forget()
    assert is_erased(Candidate.objects.get(pk=erased.pk).full_name)
    # Withdrawn before, and so not held: nothing else of the demo was touched.
    assert Candidate.objects.filter(erased_at__isnull=False).count() == 1


def test_three_applications_came_through_the_careers_page_one_from_a_known_candidate(seeded):
    intakes = ApplicationIntake.objects.select_related("application__position", "candidate")
    assert {(i.candidate.email, i.application.position.title_en) for i in intakes} == {
        ("mai.nguyen@example.com", "Data Analyst"),
        ("zhao.xue@example.cn", "Product Manager"),
        ("daniel.kim@example.com", "Data Analyst"),
    }
    daniel = Candidate.objects.get(email_index=email_index("daniel.kim@example.com"))
    assert daniel.phone == "+1 312 555 0188"  # his record kept its data
    assert daniel.applications.count() == 2
    assert ResumeFile.objects.filter(uploaded_by__isnull=True).count() == 3


def test_the_backend_board_has_a_candidate_in_every_stage_and_the_hire_its_plan(seeded, client):
    backend = Position.objects.get(title_en=MARKER_POSITION)
    stages = set(Application.objects.filter(position=backend).values_list("stage", flat=True))
    assert stages == set(Stage.values)
    hire = Application.objects.get(position=backend, stage=Stage.HIRED)
    assert hire.offers.get().status == Offer.Status.ACCEPTED
    assert OnboardingPlan.objects.filter(application=hire).exists()
    waiting = Application.objects.get(position=backend, stage=Stage.OFFER).offers.get()
    assert waiting.status == Offer.Status.SENT
    rejected = Application.objects.get(position=backend, stage=Stage.REJECTED)
    assert rejected.decisions.get().reason.startswith("The position needs")
    # The board shows each of them in its column: no column is empty.
    client.force_login(User.objects.get(username="recruiter"))
    page = client.get(reverse("hr-position-board", args=[backend.pk]))
    assert page.status_code == 200
    counts = re.findall(r'data-stage="(\w+)".*?<span class="badge">(\d+)</span>', page.content.decode(), re.S)
    assert {stage for stage, count in counts if int(count) > 0} == set(Stage.values)


def test_ended_interviews_have_their_survey_some_of_them_answered(seeded):
    from interviews.models import Interview, InterviewSurvey, SurveyResult

    ended = Interview.objects.filter(status__in=["completed", "technical_issue"])
    surveyed = set(InterviewSurvey.objects.values_list("interview_id", flat=True))
    assert surveyed and surveyed <= set(ended.values_list("pk", flat=True))
    answered = InterviewSurvey.objects.filter(answered_at__isnull=False)
    assert answered.count() >= 3 and answered.filter(technical_problems=True).exists()
    assert SurveyResult.objects.filter(level="all", answered=answered.count()).exists()
