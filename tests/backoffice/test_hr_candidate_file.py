"""HR's candidate file: the whole picture on one page, read in a fixed number of queries and
recorded as ONE `view` event naming the candidate and what the page showed. HR admins see the same
page without a single control; other roles are refused; unknown ids answer 404."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from backoffice.selectors.candidate_file import _ordered
from candidates.services.candidates import candidate_portal_link
from hrsuite.roles import Role
from interviews.models import Consent, Scorecard
from interviews.services.assignments import assignment_create
from interviews.services.consent import consent_save, notice_current
from interviews.services.reviews import human_review_create
from interviews.services.scorecards import scorecard_save
from notifications.models import Notification
from onboarding.services import offers
from tests.backoffice.hr_helpers import ACTION_MARK, events, file_url, full_file, interview_url
from tests.conftest import ON_POSTGRES
from tests.factories import (
    application_awaiting_decision,
    assessment_payload,
    make_application,
    make_candidate,
    make_hire,
    receive_assessment,
)
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock():
    yield from frozen_clock()


FILE_QUERIES = 19


@pytest.mark.parametrize("interviews", [1, 5])
def test_file_reads_a_fixed_number_of_queries_however_many_interviews_and_records(
    client, recruiter, interviewer, integration, interviews, django_assert_num_queries
):
    candidate, _application, _made = full_file(
        recruiter, interviewer=interviewer, integration=integration, interviews=interviews, records=interviews
    )
    client.force_login(recruiter)
    # session, user, savepoint and release, roles and permissions (1); the candidate and what is
    # prefetched with them: applications, stage history, interviews (each with its assessment),
    # assignments, scorecards, dimensions, prior records, consents, résumé files; the messages;
    # the audit event (its insert; it is chained after the commit); for the recruiter's forms:
    # interviewers for the application's schedule form, open positions. No incident, no human
    # review, no decision yet, so neither incidents, reviews nor anything that follows a decision
    # are read.
    with django_assert_num_queries(FILE_QUERIES):
        response = client.get(file_url(candidate))
    assert response.status_code == 200
    assert response.text.count('class="card interview"') == interviews


def test_human_reviews_are_read_for_the_assessments_a_person_reviewed(
    client, recruiter, interviewer, integration, django_assert_num_queries
):
    candidate, _application, (reviewed, _other) = full_file(
        recruiter, interviewer=interviewer, integration=integration, interviews=2
    )
    dimension = reviewed.assessment.dimensions.get(dimension="communication")
    human_review_create(
        dimension_score=dimension, outcome="override", score=70, reason="Answers were short.", actor=recruiter
    )
    client.force_login(recruiter)
    # The reviewed assessment's dimension scores' reviews (+1); the other assessment has none.
    with django_assert_num_queries(FILE_QUERIES + 1):
        page = client.get(file_url(candidate)).text
    assert page.count("Override → 70") == 1 and "Answers were short." in page
    reviewed_card = page[page.index(f'id="interview-{reviewed.pk}"') :]
    assert "Override → 70" in reviewed_card[: reviewed_card.index("</article>")]


def test_a_viewer_who_may_not_see_assessments_reads_the_file_without_them(
    client, recruiter, interviewer, integration
):
    candidate, _application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    seen = Permission.objects.get(content_type__app_label="interviews", codename="view_aiassessment")
    Group.objects.get(name=Role.RECRUITER).permissions.remove(seen)
    client.force_login(recruiter)
    for url in (file_url(candidate), interview_url(interview)):
        page = client.get(url).text
        assert "sim-assess-2026.1" not in page and "No AI assessment yet" in page
        assert "Strong yes" in page
        assert events("view", actor=recruiter)[-1].detail["shown"]["aiassessment"] == []


# The order is PostgreSQL's, as production's database gives it; SQLite puts NULLs first ascending.
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.parametrize("order", [("sent_at", "id"), ("-sent_at", "id"), ("-sent_at", "-id")])
def test_lists_read_without_order_by_are_put_in_postgresqls_order(
    recruiter, interviewer, other_interviewer, order
):
    """Ties follow the next column, NULLs come last ascending and first descending, as ORDER BY
    puts them."""
    interview = schedule(recruiter, interviewers=[interviewer, other_interviewer])
    messages = Notification.objects.filter(interview=interview)
    assert messages.count() >= 3
    sent = timezone.now()
    messages.filter(pk__in=list(messages.values_list("pk", flat=True)[:2])).update(sent_at=sent)
    assert list(messages.order_by(*order)) == _ordered(messages.order_by(), *order)


def test_the_file_shows_profile_resume_records_assessment_scorecards_and_timeline(
    client, recruiter, interviewer, integration
):
    candidate, _application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    dimension = interview.assessment.dimensions.get(dimension="communication")
    human_review_create(
        dimension_score=dimension, outcome="override", score=70, reason="Answers were short.", actor=recruiter
    )
    client.force_login(recruiter)
    page = client.get(file_url(candidate)).text
    for shown in (
        candidate.email,
        candidate.phone,
        candidate.resume_text,
        "Annual review 2020",
        "Led the billing migration.",
        "sim-assess-2026.1",
        "“I explained the plan to finance”",
        "0:12\u20130:15",
        "85%",
        "Override → 70",
        "Answers were short.",
        "Strong yes",
        "Communication: <strong>4</strong>",
        "Interview invitation",
        "Applied → Interviewing",
    ):
        assert shown in page, shown
    # Scorecard notes are the interviewer's; identity documents are not for hiring decisions.
    assert "Private note of the interviewer." not in page
    assert "national" not in page.lower()


def test_only_submitted_scorecards_join_the_file(
    client, recruiter, interviewer, other_interviewer, integration
):
    candidate, _application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    assignment_create(interview=interview, interviewer=other_interviewer, actor=recruiter)
    scorecard_save(
        interview=interview, ratings={"communication": 1}, recommendation="strong_no", actor=other_interviewer
    )
    assert Scorecard.objects.filter(status="draft").count() == 1
    client.force_login(recruiter)
    page = client.get(file_url(candidate)).text
    assert "Strong yes" in page and "Strong no" not in page


def test_a_low_confidence_assessment_is_flagged_for_human_review(client, recruiter, integration):
    candidate = make_candidate(recruiter)
    interview = schedule(
        recruiter, application=make_application(recruiter, candidate=candidate), kind="ai_video"
    )
    client.force_login(recruiter)
    assert "Needs human review" not in client.get(file_url(candidate)).text
    payload = assessment_payload(confidence=0.5)
    receive_assessment(interview, payload, actor=integration)
    page = client.get(file_url(candidate)).text
    assert '<span class="badge warn">Needs human review</span>' in page and "confidence 50%" in page


def test_one_view_event_names_the_candidate_and_what_the_page_showed(
    client, recruiter, interviewer, integration
):
    candidate, application, made = full_file(
        recruiter, interviewer=interviewer, integration=integration, interviews=2
    )
    client.force_login(recruiter)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    client.get(file_url(candidate))
    (event,) = AuditEvent.objects.exclude(pk__in=before)
    assert (event.action, event.target_type, event.target_id) == (
        "view",
        "candidates.candidate",
        str(candidate.pk),
    )
    assert event.candidate_id == candidate.pk and event.actor == recruiter
    shown = event.detail["shown"]
    assert set(shown["interview"]) == {str(i.pk) for i in made}
    assert set(shown["aiassessment"]) == {str(i.assessment.pk) for i in made}
    assert len(shown["scorecard"]) == 2 and len(shown["priorrecord"]) == 1
    assert shown["application"] == [str(application.pk)]
    # Ids only: no value of an encrypted field reaches the trail.
    assert candidate.email not in str(event.detail) and "Led the billing" not in str(event.detail)


def test_offer_background_check_onboarding_and_consent_are_on_the_file(
    client, recruiter, candidate_user, django_assert_num_queries
):
    candidate = make_candidate(recruiter)
    interview = schedule(recruiter, application=make_application(recruiter, candidate=candidate))
    version = notice_current(language="en").version
    consent_save(
        candidate=candidate,
        interview=interview,
        scope="general",
        decision="given",
        notice_version=version,
        actor="candidate:link",
    )
    consent_save(
        candidate=candidate,
        interview=interview,
        scope="biometric",
        decision="refused",
        notice_version=version,
        actor="candidate:link",
    )
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    client.force_login(recruiter)
    # No interview was assessed, so no dimension scores are read (-1); what follows the hire
    # decision is, for its application only: decisions, offers and their approval steps, checks,
    # onboarding plans and their tasks (+6), and, as it is a hire, its performance ratings (+1).
    with django_assert_num_queries(FILE_QUERIES - 1 + 6 + 1):
        page = client.get(file_url(candidate)).text
    hired = page[page.index(f'id="application-{offer.application_id}"') :]
    hired = hired[: hired.index("</article>\n", hired.index("Onboarding"))]
    assert "Strong interviews." in hired and "420000.00 CNY" in hired and "First day" in hired
    assert "No performance rating yet." in hired and "Record a performance rating" in hired
    scheduled = page[page.index(f'id="application-{interview.application_id}"') :]
    scheduled = scheduled[: scheduled.index("</article>")]
    assert "Stage history" in scheduled and "Decisions" not in scheduled
    assert "CNY" not in scheduled and "Onboarding" not in scheduled
    shown = AuditEvent.objects.filter(action="view", target_id=str(candidate.pk)).get().detail["shown"]
    assert shown["offer"] == [str(offer.pk)] and shown["decision"] == [str(offer.decision_id)]
    assert len(shown["backgroundcheck"]) == 1 and len(shown["onboardingplan"]) == 1
    assert "420000.00 CNY" in page and "Shanghai office" in page
    assert '<span class="badge ok">Accepted</span>' in page
    assert "Background check" in page and "Requested" in page
    assert "Onboarding" in page and "First day" in page
    assert '<span class="badge ok">Given</span>' in page and '<span class="badge bad">Refused</span>' in page
    assert Consent.objects.count() == 2
    assert "Has an account" in page


def test_what_follows_a_decision_is_only_what_the_viewer_may_see(client, recruiter):
    candidate = make_candidate(recruiter)
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    seen = Permission.objects.get(content_type__app_label="onboarding", codename="view_offer")
    Group.objects.get(name=Role.RECRUITER).permissions.remove(seen)
    client.force_login(recruiter)
    page = client.get(file_url(candidate)).text
    assert "Strong interviews." in page and f'id="offer-{offer.pk}"' not in page
    shown = events("view", actor=recruiter)[-1].detail["shown"]
    assert shown["decision"] == [str(offer.decision_id)] and shown["offer"] == []


def test_times_are_shown_in_the_viewers_zone_and_the_candidates(client, recruiter):
    recruiter.time_zone = "America/New_York"
    recruiter.save(update_fields=["time_zone"])
    candidate = make_candidate(recruiter)
    schedule(
        recruiter,
        application=make_application(recruiter, candidate=candidate),
        starts_at=shanghai(2027, 3, 2, 10, 0),
    )
    client.force_login(recruiter)
    page = client.get(file_url(candidate)).text
    # 10:00 in Shanghai on 2 March is 21:00 the evening before in New York.
    assert "2027-03-01 21:00" in page and "(America/New_York)" in page
    assert "2027-03-02 10:00" in page and "(Asia/Shanghai)" in page


def test_file_in_chinese(client, recruiter, interviewer, integration):
    recruiter.preferred_language = "zh-hans"
    recruiter.save(update_fields=["preferred_language"])
    candidate, _application, _made = full_file(recruiter, interviewer=interviewer, integration=integration)
    client.force_login(recruiter)
    response = client.get(file_url(candidate))
    assert response["Content-Language"] == "zh-hans"
    page = response.text
    for text in (
        "基本信息",
        "申请",
        "AI 评估",
        "依据\uff08候选人的原话\uff09",
        "评分表",
        "时间线",
        "安排面试",
        "记录决定",
    ):
        assert text in page, text
    assert "Schedule an interview" not in page


# --- Who may open it -----------------------------------------------------------------------------


def test_hr_admin_sees_the_same_file_without_any_control(
    client, recruiter, hr_admin, interviewer, integration
):
    candidate, _application, (_interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    make_hire(
        recruiter, application=application_awaiting_decision(recruiter, candidate=candidate), send=False
    )
    client.force_login(hr_admin)
    page = client.get(file_url(candidate)).text
    assert "sim-assess-2026.1" in page and "420000.00 CNY" in page and candidate.resume_text in page
    assert ACTION_MARK not in page and '<form method="post" class="stack"' not in page
    for control in ("Schedule an interview", "Record a decision", "Unassign", "Review this score", "Invite"):
        assert control not in page, control


def test_recruiter_sees_the_portal_invitation_when_that_page_exists(client, recruiter):
    candidate = make_candidate(recruiter)
    client.force_login(recruiter)
    page = client.get(file_url(candidate)).text
    try:
        invite = reverse("portal-invite", args=[candidate.pk])
    except Exception:  # the portal's invitation is a colleague's page: absent, no button
        assert "Invite to the candidate portal" not in page
    else:
        assert f'action="{invite}"' in page and "Invite to the candidate portal" in page


def test_unknown_and_other_kinds_of_ids_answer_404(client, recruiter, interviewer, integration):
    _candidate, application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    client.force_login(recruiter)
    assert client.get(reverse("hr-candidate", args=[application.pk])).status_code == 404
    assert client.get(reverse("hr-candidate", args=[interview.pk])).status_code == 404
    assert client.get("/hr/candidates/not-a-uuid/").status_code == 404
    assert not events("view", target_type="candidates.candidate")


def test_an_assigned_interviewer_and_the_candidate_are_refused(
    client, recruiter, interviewer, integration, candidate_user
):
    candidate, _application, _made = full_file(recruiter, interviewer=interviewer, integration=integration)
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    for user in (interviewer, candidate_user):
        client.force_login(user)
        assert client.get(file_url(candidate)).status_code == 403
        assert client.post(file_url(candidate), {"action": "move"}).status_code == 403
    assert not events("view", target_type="candidates.candidate")
