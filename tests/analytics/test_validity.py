"""The validity figures: computed in the background from the hires' ratings and their interview
scores, kept per position and department, shown (chart, table, weights) and exported; nothing
below the minimum n; HR's pages alone."""

import csv
import io

import pytest
from django.urls import reverse
from scipy import stats

from analytics.models import ValidityResult
from analytics.services.validity import validity_refresh
from tests.analytics.helpers import SECOND_HALF, assessed, hired, rate
from tests.factories import make_position

# Seven hires: their AI communication scores, their interviewers' ratings, and their ratings of
# two half-years (the criterion is the mean of the two).
AI_COMMUNICATION = [55, 62, 70, 74, 80, 85, 91]
AI_PROBLEM_SOLVING = [80, 66, 71, 60, 75, 58, 69]
HUMAN = [2, 3, 3, 4, 3, 5, 4]
RATINGS = [("2", "3"), ("3", "2"), ("3", "3.5"), ("4", "3"), ("3.5", "4.5"), ("4", "5"), ("5", "4.5")]
PERFORMANCE = [(float(a) + float(b)) / 2 for a, b in RATINGS]


@pytest.fixture
def position(recruiter, interviewer):
    position = make_position(recruiter, department="Data")
    for i, (first, second) in enumerate(RATINGS):
        hire = hired(
            recruiter,
            position,
            {"communication": AI_COMMUNICATION[i], "problem_solving": AI_PROBLEM_SOLVING[i]},
            interviewer=interviewer,
            human={"communication": HUMAN[i], "problem_solving": 3},
        )
        rate(hire, first, actor=recruiter)
        rate(hire, second, actor=recruiter, period=SECOND_HALF)
    # Three applicants assessed and not hired: in the shares, not in the correlations.
    for score in (40, 45, 95):
        assessed(recruiter, position, {"communication": score, "problem_solving": 50})
    return position


def _row(result, source, dimension):
    return next(r for r in result.figures["rows"] if (r["source"], r["dimension"]) == (source, dimension))


def test_beat_computes_each_position_and_its_department_from_the_hires_data(position, settings):
    settings.HRSUITE_VALIDITY_MIN_N = 7
    assert validity_refresh() == ["department:Data"]
    result = ValidityResult.objects.get(position=position)
    assert result.figures["shares"] == {
        "assessed": 10,
        "hired": 7,
        "not_hired": 3,
        "hire_share": 0.7,
        "rated": 7,
    }
    ai = _row(result, "ai", "communication")
    expected = stats.pearsonr(AI_COMMUNICATION, PERFORMANCE)
    assert ai["n"] == 7 and ai["pearson"]["r"] == pytest.approx(expected.statistic)
    assert ai["pearson"]["p"] == pytest.approx(expected.pvalue)
    assert ai["spearman"]["r"] == pytest.approx(stats.spearmanr(AI_COMMUNICATION, PERFORMANCE).statistic)
    # Among the hires the scores are narrower than among all ten assessed.
    assert ai["sd_ratio"] == pytest.approx(
        stats.tstd(AI_COMMUNICATION) / stats.tstd([*AI_COMMUNICATION, 40, 45, 95])
    )
    human = _row(result, "human", "communication")
    assert human["pearson"]["r"] == pytest.approx(stats.pearsonr(HUMAN, PERFORMANCE).statistic)
    assert _row(result, "human", "problem_solving")["constant"] is True
    assert result.figures["weights"]["enough"] and sum(
        result.figures["weights"]["suggested"]
    ) == pytest.approx(1)
    # One position: the department pools only it, each variable standardised, so r is the same.
    department = ValidityResult.objects.get(scope="department:Data")
    assert _row(department, "ai", "communication")["pearson"]["r"] == pytest.approx(expected.statistic)
    assert department.figures["weights"] is None
    # Computed: nothing left to do until new ratings or the day is over.
    assert validity_refresh() == []


def test_below_the_minimum_n_no_figure_is_kept_or_shown(position, client, recruiter, settings):
    settings.HRSUITE_VALIDITY_MIN_N = 8
    validity_refresh()
    result = ValidityResult.objects.get(position=position)
    assert all(not row["enough"] and "pearson" not in row for row in result.figures["rows"])
    assert result.figures["weights"] == {
        "n": 7,
        "enough": False,
        "names": ["communication", "problem_solving"],
        "weights_version": 1,
    }
    client.force_login(recruiter)
    page = client.get(reverse("hr-validity", args=[result.pk])).content.decode()
    assert page.count("not enough hires yet") >= 6 and "Not enough hires yet" in page
    export = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("hr-validity-export", args=[result.pk])).content.decode())
        )
    )
    assert {row["note"] for row in export} == {"not enough hires yet"} and {
        row["pearson_r"] for row in export
    } == {""}


def test_the_page_shows_the_chart_the_table_the_range_restriction_and_the_weights(
    position, client, hr_admin, settings
):
    settings.HRSUITE_VALIDITY_MIN_N = 7
    validity_refresh()
    result = ValidityResult.objects.get(position=position)
    client.force_login(hr_admin)
    listing = client.get(reverse("hr-analytics")).content.decode()
    assert position.title in listing and "Data (all its positions)" in listing
    response = client.get(reverse("hr-validity", args=[result.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="interval-chart"' in page and "<script" not in page.split("<main", 1)[-1]
    assert "understates how well the scores predict" in page
    assert "7 (70%)" in page and "3 (30%)" in page
    ai = _row(result, "ai", "communication")["pearson"]
    assert f"{ai['r']:.2f} [{ai['low']:.2f}, {ai['high']:.2f}]" in page
    assert "Suggested dimension weights" in page and "Cross-validated over 7 hires" in page
    # HR admins read; only a recruiter adopts.
    assert "Adopt the suggested weights" not in page and 'action="/hr/analytics/validity/' not in page
    export = client.get(reverse("hr-validity-export", args=[result.pk]))
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    first = next(r for r in rows if (r["source"], r["dimension"]) == ("ai", "communication"))
    assert float(first["pearson_r"]) == pytest.approx(ai["r"]) and first["n"] == "7"


def test_the_pages_speak_chinese(position, client, recruiter, settings):
    settings.HRSUITE_VALIDITY_MIN_N = 7
    validity_refresh()
    recruiter.preferred_language = "zh-hans"
    recruiter.save()
    client.force_login(recruiter)
    result = ValidityResult.objects.get(position=position)
    page = client.get(reverse("hr-validity", args=[result.pk])).content.decode()
    assert "范围限制" in page and "建议的维度权重" in page


def test_a_new_rating_asks_for_the_department_again(position, recruiter, settings):
    settings.HRSUITE_VALIDITY_MIN_N = 7
    validity_refresh()
    hire = hired(recruiter, position, {"communication": 77, "problem_solving": 70})
    rate(hire, "4", actor=recruiter)
    assert ValidityResult.objects.get(scope="department:Data").asked_at is not None
    assert validity_refresh() == ["department:Data"]
    assert ValidityResult.objects.get(position=position).figures["shares"]["rated"] == 8
    assert ValidityResult.objects.get(scope="department:Data").asked_at is None


@pytest.mark.parametrize(
    ("role", "status"), [("interviewer", 403), ("candidate_user", 403), ("hr_admin", 200)]
)
def test_only_hr_opens_the_analytics_pages(position, client, role, status, request):
    validity_refresh()
    result = ValidityResult.objects.get(position=position)
    client.force_login(request.getfixturevalue(role))
    for name, args in (
        ("hr-analytics", []),
        ("hr-validity", [result.pk]),
        ("hr-validity-export", [result.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == status, name
