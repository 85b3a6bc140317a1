"""The survey's results beside the completion rates, computed by beat and kept
(docs/architecture.md, "Candidate survey"): the figures against values worked out by hand, the
analytics page with its chart, table and CSV export, and the HR dashboard reading them at no
query of its own."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backoffice import tasks as backoffice_tasks
from interviews.models import Interview, InterviewSurvey, SurveyResult
from interviews.services.survey_results import survey_results_refresh
from tests.factories import make_application, make_candidate, make_interview, make_position

# Student's t, 97.5th percentile, from a printed table (5 and 7 degrees of freedom).
T_5, T_7 = 2.570582, 2.364624

# Group A (CN, simulated, AI video): 8 interviews held, 6 completed; 8 surveys, 6 answered.
A_STATUSES = ["completed"] * 6 + ["technical_issue", "no_show"]
A_OVERALL = [3, 4, 4, 5, 3, 5]
A_FAIRNESS = [2, 3, 4, 5, 4, 5]
A_TECHNICAL = [True, False, False, False, True, False]
# Group B (US, simulated, live video): 2 interviews completed, both surveys answered.
B_OVERALL, B_FAIRNESS = [5, 1], [4, 4]


@pytest.fixture
def figures(recruiter, settings):
    settings.HRSUITE_SURVEY_MIN_N = 3
    now = timezone.now()

    def group(region, kind, statuses, answers):
        position = make_position(recruiter, region=region)
        application = make_application(recruiter, candidate=make_candidate(recruiter), position=position)
        for i, status in enumerate(statuses):
            interview = make_interview(
                recruiter, application=application, kind=kind, starts_in=-timedelta(days=2 + i)
            )
            Interview.objects.filter(pk=interview.pk).update(status=status)
            answer = answers[i] if i < len(answers) else None
            InterviewSurvey.objects.create(
                interview=interview,
                candidate_id=application.candidate_id,
                language="en",
                region=region,
                provider="simulated",
                kind=kind,
                sent_at=now - timedelta(days=1),
                answered_at=answer and now,
                overall=answer and answer[0],
                fairness=answer and answer[1],
                technical_problems=answer and answer[2],
            )
        # Cancelled and still ahead: not in the completion rate.
        cancelled = make_interview(
            recruiter, application=application, kind=kind, starts_in=-timedelta(days=1)
        )
        Interview.objects.filter(pk=cancelled.pk).update(status="cancelled")
        make_interview(recruiter, application=application, kind=kind, starts_in=timedelta(days=3))

    group("CN", "ai_video", A_STATUSES, list(zip(A_OVERALL, A_FAIRNESS, A_TECHNICAL, strict=True)))
    group("US", "live_video", ["completed", "completed"], [(5, 4, False), (1, 4, False)])
    assert survey_results_refresh() == 8  # A, B; CN, US; simulated; AI video, live video; all
    return {(r.level, r.region, r.provider, r.kind): r for r in SurveyResult.objects.all()}


@pytest.mark.django_db
def test_each_group_has_its_counts_means_and_intervals_as_worked_out_by_hand(figures):
    a = figures[("group", "CN", "simulated", "ai_video")]
    assert (a.sent, a.answered, a.technical_problems, a.scheduled, a.completed) == (8, 6, 2, 8, 6)
    # Overall: mean 4, sample variance 4/5, half-width t * sqrt(0.8 / 6).
    half = T_5 * (0.8 / 6) ** 0.5
    assert a.overall_n == 6 and a.overall_mean == pytest.approx(4.0)
    assert (a.overall_low, a.overall_high) == (
        pytest.approx(4 - half, abs=1e-5),
        pytest.approx(4 + half, abs=1e-5),
    )
    # Fairness: mean 23/6, squares 95, variance (95 - 6 * (23/6)²) / 5 = 1.366667; the interval's top
    # is held to the scale's 5.
    mean = 23 / 6
    half = T_5 * (1.366667 / 6) ** 0.5
    assert a.fairness_mean == pytest.approx(mean)
    assert a.fairness_low == pytest.approx(mean - half, abs=1e-5) and a.fairness_high == 5.0
    assert a.technical_share == pytest.approx(2 / 6) and a.completion_rate == pytest.approx(6 / 8)

    b = figures[("group", "US", "simulated", "live_video")]
    assert (b.sent, b.answered, b.scheduled, b.completed) == (2, 2, 2, 2)
    assert b.overall_mean is None and b.fairness_low is None  # 2 answers, fewer than 3
    assert figures[("region", "US", "", "")].overall_mean is None
    assert figures[("region", "CN", "", "")].overall_mean == pytest.approx(4.0)

    # Pooled from the answers themselves: 8 answers, sum 30, squares 126, variance 13.5 / 7.
    pooled = figures[("provider", "", "simulated", "")]
    assert (pooled.sent, pooled.answered, pooled.scheduled, pooled.completed) == (10, 8, 10, 8)
    half = T_7 * ((126 - 8 * 3.75**2) / 7 / 8) ** 0.5
    assert pooled.overall_mean == pytest.approx(3.75)
    assert pooled.overall_low == pytest.approx(3.75 - half, abs=1e-5)
    assert pooled.overall_high == pytest.approx(3.75 + half, abs=1e-5)
    everything = figures[("all", "", "", "")]
    assert (everything.sent, everything.overall_mean) == (10, pooled.overall_mean)
    assert figures[("kind", "", "", "live_video")].completed == 2


@pytest.mark.django_db
def test_a_second_run_rewrites_the_rows_and_drops_groups_gone(figures):
    InterviewSurvey.objects.filter(region="US").delete()
    Interview.objects.filter(application__position__region="US").delete()
    survey_results_refresh()
    assert not SurveyResult.objects.filter(region="US").exists()
    assert SurveyResult.objects.count() == 5


@pytest.mark.django_db
def test_the_analytics_page_shows_the_chart_table_and_exports_them(figures, recruiter, hr_admin, interviewer):
    client = Client()
    client.force_login(recruiter)
    page = client.get(reverse("hr-survey-results"))
    assert page.status_code == 200
    text = page.text
    assert '<svg class="interval-chart"' in text and "Survey means by region" in text
    assert "4.00 [3.06, 4.94]" in text  # CN's overall mean and interval, as in the table
    assert "not enough answers (2 of 3)" in text  # US in the chart
    assert "75%" in text  # CN's completion
    assert "https://" not in text.split("<main")[1].split("</main>")[0]  # nothing from outside

    export = client.get(reverse("hr-survey-results-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert len(rows) == 8
    cn = next(r for r in rows if r["level"] == "region" and r["region"] == "CN")
    assert (cn["sent"], cn["answered"], cn["scheduled"], cn["completed"]) == ("8", "6", "8", "6")
    assert float(cn["overall_mean"]) == pytest.approx(4.0) and float(cn["completion_rate"]) == 0.75
    us = next(r for r in rows if r["level"] == "region" and r["region"] == "US")
    assert us["overall_mean"] == "" and us["note"] == "not enough answers"

    client.force_login(hr_admin)
    assert client.get(reverse("hr-survey-results")).status_code == 200
    client.force_login(interviewer)
    assert client.get(reverse("hr-survey-results")).status_code == 403
    assert client.get(reverse("hr-survey-results-export")).status_code == 403


@pytest.mark.django_db
def test_the_page_says_so_before_the_first_run(recruiter):
    client = Client()
    client.force_login(recruiter)
    assert "The figures are being computed" in client.get(reverse("hr-survey-results")).text


@pytest.mark.django_db
def test_the_results_api_is_hrs(figures, recruiter, api):
    rows = api.as_user(recruiter).get("/api/survey-results/?level=region").json()
    assert {row["region"] for row in rows} == {"CN", "US"}
    assert api.as_user(recruiter).get("/api/survey-results/?level=nonsense").status_code == 400


@pytest.mark.django_db
def test_the_dashboard_shows_them_beside_the_completion_rates_at_no_query_of_its_own(
    figures, recruiter, django_assert_num_queries
):
    from tests.backoffice.test_dashboard import QUERIES

    backoffice_tasks.dashboard_counts_refresh()
    client = Client()
    client.force_login(recruiter)
    with django_assert_num_queries(QUERIES):
        text = client.get(reverse("hr-dashboard")).text
    survey = text[text.index('id="survey"') : text.index('id="incidents"')]
    assert "CN · simulated · AI video" in survey and "4.00 [3.06, 4.94]" in survey
    assert "75%" in survey and "not enough answers" in survey
