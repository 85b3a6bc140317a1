"""HR's interview page (the e-mails to recruiters link here): time in the viewer's and the
candidate's zone, join link, interviewers, AI assessment with evidence, scorecards, incidents and
messages, as one `view` event; the recruiter's interview actions return to it."""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.roles import Role
from interviews.models import Interview
from interviews.services.assignments import assignment_create
from interviews.services.incidents import incident_open
from tests.backoffice.hr_helpers import ACTION_MARK, file_url, full_file, interview_url
from tests.factories import make_user
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def held(recruiter, interviewer, integration):
    _candidate, _application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    return interview


def test_the_page_shows_both_zones_join_link_interviewers_assessment_scorecards_and_messages(
    client, recruiter, held
):
    recruiter.time_zone = "Europe/London"
    recruiter.save(update_fields=["time_zone"])
    client.force_login(recruiter)
    page = client.get(interview_url(held)).text
    candidate = held.application.candidate
    for shown in (
        f"AI video interview with {candidate.full_name}",
        "2027-03-02 02:00",  # London, the viewer
        "(Europe/London)",
        "2027-03-02 10:00",  # Shanghai, the candidate
        "(Asia/Shanghai)",
        held.join_url,
        "interviewer1",
        "sim-assess-2026.1",
        "“we split the migration in three steps”",
        "Strong yes",
        "Interview invitation",
        "Interview reminder",
    ):
        assert shown in page, shown
    assert f'href="{file_url(candidate)}"' in page
    assert "Private note of the interviewer." not in page


def test_an_incident_is_listed(client, recruiter, held, django_assert_num_queries):
    incident_open(
        interview=held,
        kind="technical_issue",
        occurred_at=timezone.now(),
        details={"code": "ICE_FAILED"},
        actor="provider:simulated",
    )
    client.force_login(recruiter)
    with django_assert_num_queries(PAGE_QUERIES + 1):  # its incidents
        page = client.get(interview_url(held)).text
    assert "Incidents" in page and '<span class="badge bad">Technical issue</span>' in page


def test_the_page_is_one_view_event_of_the_interview_naming_the_candidate(client, recruiter, held):
    client.force_login(recruiter)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    client.get(interview_url(held))
    (event,) = AuditEvent.objects.exclude(pk__in=before)
    assert (event.action, event.target_type, event.target_id) == (
        "view",
        "interviews.interview",
        str(held.pk),
    )
    assert event.candidate_id == held.application.candidate_id
    assert event.detail["shown"]["aiassessment"] == [str(held.assessment.pk)]


PAGE_QUERIES = 13


@pytest.mark.parametrize("more_interviewers", [0, 3])
def test_the_page_reads_a_fixed_number_of_queries(
    client, recruiter, held, more_interviewers, django_assert_num_queries
):
    for _n in range(more_interviewers):
        assignment_create(interview=held, interviewer=make_user(Role.INTERVIEWER), actor=recruiter)
    client.force_login(recruiter)
    # session, user, savepoint and release, roles and permissions (1); the interview with its
    # assessment (and whether it has incidents: it has none), its assignments, scorecards,
    # dimensions (no human review yet: none are read); consents; messages; its accommodations
    # (none: no `list` event for them); the audit event (its
    # insert; it is chained after the commit). The interview was held, so the page has no assign
    # form and reads no interviewers for one.
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(interview_url(held)).status_code == 200


def test_an_interview_ahead_reads_the_interviewers_its_assign_form_offers(
    client, recruiter, interviewer, django_assert_num_queries
):
    ahead = schedule(recruiter, starts_at=shanghai(2027, 3, 3, 10, 0))
    client.force_login(recruiter)
    # Not assessed yet: no dimension scores (-1); the interviewers its assign form offers (+1).
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(interview_url(ahead)).text
    assert f'id="form-assign-{ahead.pk}"' in page and f'<option value="{interviewer.pk}">' in page


def test_an_action_from_the_interview_page_returns_to_it(client, recruiter, held, other_interviewer):
    client.force_login(recruiter)
    response = client.post(
        interview_url(held), {"action": "assign", "interview": held.pk, "interviewer": other_interviewer.pk}
    )
    assert response.status_code == 302 and response.url == f"{interview_url(held)}#interview-{held.pk}"
    assert "interviewer2 is assigned" in client.get(response.url).text


def test_a_refused_action_is_shown_on_the_interview_page(client, recruiter):
    interview = schedule(recruiter, starts_at=shanghai(2027, 3, 2, 10, 0))
    client.force_login(recruiter)
    response = client.post(
        interview_url(interview), {"action": "cancel", "interview": interview.pk, "reason": ""}
    )
    assert response.status_code == 400 and "Give a reason." in response.text
    assert '<details class="action" id="form-cancel-' in response.text and " open>" in response.text
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SCHEDULED


def test_the_interview_page_offers_only_interview_actions(client, recruiter, held):
    client.force_login(recruiter)
    application = held.application
    response = client.post(
        interview_url(held), {"action": "move", "application": application.pk, "event": "withdraw"}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.stage == "interviewing"


def test_hr_admin_reads_it_without_controls_and_cannot_post(client, hr_admin, held):
    client.force_login(hr_admin)
    page = client.get(interview_url(held)).text
    assert "sim-assess-2026.1" in page and ACTION_MARK not in page
    response = client.post(interview_url(held), {"action": "release", "interview": held.pk})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.results_released_at is None


def test_interviewers_even_assigned_ones_and_candidates_are_refused(client, interviewer, held):
    for user in (interviewer, make_user(Role.CANDIDATE)):
        client.force_login(user)
        assert client.get(interview_url(held)).status_code == 403


def test_an_unknown_interview_or_another_kind_of_id_is_404(client, recruiter, held):
    client.force_login(recruiter)
    assert client.get("/hr/interviews/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"/hr/interviews/{held.application.candidate_id}/").status_code == 404
    response = client.post(
        f"/hr/interviews/{held.application_id}/", {"action": "release", "interview": held.pk}
    )
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.results_released_at is None


def test_interview_page_in_chinese(client, recruiter, held):
    recruiter.preferred_language = "zh-hans"
    recruiter.save(update_fields=["preferred_language"])
    client.force_login(recruiter)
    page = client.get(interview_url(held)).text
    for text in ("候选人当地时间", "AI 评估", "评分表", "消息", "向候选人公布结果"):
        assert text in page, text
