"""Fairness (docs/architecture.md, "Fairness"): impact ratios against known values (the DCWP's
worked example for Local Law 144 and a fixture of applicants made through the services), Fisher's
exact test against published and SciPy's values, computed in the background, and the compliance
pages that show them, to compliance alone."""

import csv
import io

import pytest
from scipy import stats

from analytics.fairness import categories
from analytics.fairness.statistics import impact_rows
from analytics.models import FairnessResult
from analytics.services.fairness import fairness_refresh, tool_compute
from tests.analytics.fairness_helpers import known_applicants, us_position

pytestmark = pytest.mark.django_db

# The DCWP's worked example of selection rates and impact ratios (the rules of Local Law 144,
# 6 RCNY § 5-301): applicants and selected per category, and the impact ratios by the rules'
# definition (a category's selection rate over the highest), to three decimals.
DCWP_SEX = {"male": (1390, 667), "female": (1181, 555)}
DCWP_SEX_RATIOS = {"male": 1.0, "female": 0.979}
DCWP_RACE = {
    "hispanic_latino": (408, 204),
    "white": (797, 412),
    "black": (390, 170),
    "pacific_islander": (119, 52),
    "asian": (632, 316),
    "american_indian": (12, 4),
    "two_or_more": (213, 96),
}
DCWP_RACE_RATIOS = {
    "hispanic_latino": 0.967,
    "white": 1.0,
    "black": 0.843,
    "pacific_islander": 0.845,
    "asian": 0.967,
    "american_indian": 0.645,
    "two_or_more": 0.872,
}


def _by_category(rows):
    return {row["category"]: row for row in rows}


def test_the_dcwp_worked_example_gives_its_published_ratios():
    sex = _by_category(impact_rows(DCWP_SEX, small_n=30, small_cell=5))
    for category, ratio in DCWP_SEX_RATIOS.items():
        assert round(sex[category]["ratio"], 3) == ratio
    assert round(sex["male"]["rate"], 2) == 0.48 and round(sex["female"]["rate"], 2) == 0.47
    race = _by_category(impact_rows(DCWP_RACE, small_n=30, small_cell=5))
    for category, ratio in DCWP_RACE_RATIOS.items():
        assert round(race[category]["ratio"], 3) == ratio, category
    assert race["white"]["highest"] and race["white"]["p"] is None
    # Only the American Indian or Alaska Native category is under four-fifths, on 12 applicants.
    assert {c for c, row in race.items() if row["flag"]} == {"american_indian"}
    assert {c for c, row in race.items() if row["small_sample"]} == {"american_indian"}


def test_fishers_exact_test_gives_the_published_and_scipys_p_values():
    # Fisher's tea-tasting experiment: 3 of 4 cups right against 1 of 4, p = 0.486 (two-sided).
    rows = _by_category(impact_rows({"guessed": (4, 1), "told": (4, 3)}, small_n=30, small_cell=1))
    assert rows["told"]["highest"]
    assert rows["guessed"]["p"] == pytest.approx(0.4857142857, abs=1e-9)
    race = _by_category(impact_rows(DCWP_RACE, small_n=30, small_cell=5))
    expected = stats.fisher_exact([[4, 8], [412, 385]]).pvalue
    assert race["american_indian"]["p"] == pytest.approx(expected, rel=1e-12)


def test_a_small_cell_has_no_rate_and_does_not_set_the_highest():
    rows = _by_category(impact_rows({"a": (3, 3), "b": (40, 20)}, small_n=30, small_cell=5))
    assert rows["a"]["small_cell"] and rows["a"]["rate"] is None and rows["a"]["ratio"] is None
    assert rows["b"]["highest"] and rows["b"]["ratio"] == 1.0


@pytest.fixture
def position(recruiter):
    return us_position(recruiter)


def test_beat_computes_the_known_fixtures_ratios(position, recruiter, settings):
    settings.HRSUITE_FAIRNESS_SMALL_CELL = 1
    known_applicants(recruiter, position)
    assert fairness_refresh() == ["tool:simulated"]
    tool = FairnessResult.objects.get(scope="tool:simulated")
    assert FairnessResult.objects.filter(position=position).get().applicants == 14
    figures = tool.figures
    assert (figures["applicants"], figures["advanced"], figures["not_advanced"]) == (14, 7, 7)
    assert figures["median"] == 62.5
    sex = figures["dimensions"]["sex"]
    selection = _by_category(sex["selection"])
    assert (selection["male"]["applicants"], selection["male"]["hits"]) == (6, 4)
    assert (selection["female"]["applicants"], selection["female"]["hits"]) == (6, 2)
    assert selection["female"]["ratio"] == pytest.approx(0.5) and selection["female"]["flag"]
    assert selection["female"]["p"] == pytest.approx(stats.fisher_exact([[2, 4], [4, 2]]).pvalue)
    assert sex["unknown"] == {"applicants": 2, "decided": 2, "advanced": 1, "scored_above": 1}
    scoring = _by_category(sex["scoring"])
    assert (scoring["male"]["hits"], scoring["female"]["hits"]) == (4, 2)
    race = figures["dimensions"]["race_ethnicity"]
    assert _by_category(race["selection"])["asian"]["ratio"] == pytest.approx(0.6)
    assert _by_category(race["scoring"])["asian"]["ratio"] == pytest.approx(0.2 / (5 / 6))
    assert race["unknown"]["applicants"] == 3
    both = _by_category(figures["dimensions"]["intersectional"]["selection"])
    assert both["male|white"]["highest"] and both["male|asian"]["ratio"] == pytest.approx(1 / 3)
    # Nothing of a candidate is kept: no id of theirs is in the figures.
    assert "candidate" not in str(figures)


def test_outside_the_us_only_sex_is_asked_and_race_is_unknown(recruiter):
    from tests.analytics.fairness_helpers import applicant
    from tests.factories import make_position

    position = make_position(recruiter, region="DE-BE", time_zone="Europe/Berlin")
    assert [name for name, _ in categories.questions("DE-BE")] == ["sex"]
    assert [name for name, _ in categories.questions("CN")] == ["sex"]
    assert [name for name, _ in categories.questions("US-CA")] == ["sex", "race_ethnicity"]
    applicant(recruiter, position, score=70, advanced=True, sex="female")
    tool_compute("simulated", now=__import__("django.utils.timezone").utils.timezone.now())
    figures = FairnessResult.objects.get(scope="tool:simulated").figures
    assert figures["dimensions"]["race_ethnicity"]["unknown"]["applicants"] == 1


def test_compliance_reads_the_page_the_chart_and_the_csv(position, recruiter, compliance, client, settings):
    settings.HRSUITE_FAIRNESS_SMALL_CELL = 1
    known_applicants(recruiter, position)
    fairness_refresh()
    client.force_login(compliance)
    home = client.get("/hr/fairness/")
    assert home.status_code == 200
    row = FairnessResult.objects.get(scope="tool:simulated")
    page = client.get(f"/hr/fairness/{row.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text and 'class="threshold' in text and "below 0.8" in text
    assert "0.500" in text  # the women's selection impact ratio
    export = client.get(f"/hr/fairness/{row.pk}/export.csv")
    assert export["Content-Disposition"].startswith("attachment")
    lines = list(csv.DictReader(io.StringIO(export.content.decode())))
    female = next(r for r in lines if r["method"] == "selection" and r["category"] == "female")
    assert (female["applicants"], female["selected_or_scored_above"]) == ("6", "2")
    assert float(female["impact_ratio"]) == pytest.approx(0.5) and female["below_four_fifths"] == "yes"
    unknown = next(
        r
        for r in lines
        if r["method"] == "selection" and r["dimension"] == "sex" and r["category"] == "unknown"
    )
    assert unknown["applicants"] == "2" and unknown["impact_ratio"] == ""


def test_small_cells_show_no_rate(position, recruiter, compliance, client):
    known_applicants(recruiter, position)
    fairness_refresh()
    row = FairnessResult.objects.get(scope="tool:simulated")
    both = _by_category(row.figures["dimensions"]["intersectional"]["selection"])
    assert both["male|white"]["small_cell"] and both["male|white"]["rate"] is None
    client.force_login(compliance)
    assert "small cell" in client.get(f"/hr/fairness/{row.pk}/").text


def test_the_pages_speak_chinese(position, recruiter, compliance, client):
    known_applicants(recruiter, position)
    fairness_refresh()
    compliance.preferred_language = "zh-hans"
    compliance.save()
    client.force_login(compliance)
    row = FairnessResult.objects.get(scope="tool:simulated")
    assert "公平性" in client.get("/hr/fairness/").text
    assert "影响比" in client.get(f"/hr/fairness/{row.pk}/").text


@pytest.mark.parametrize("role", ["interviewer", "candidate_user"])
def test_nobody_but_compliance_and_hr_opens_the_fairness_pages(position, recruiter, client, role, request):
    row = FairnessResult.objects.create(scope="tool:simulated", provider="simulated")
    client.force_login(request.getfixturevalue(role))
    for address in (
        "/hr/fairness/",
        f"/hr/fairness/{row.pk}/",
        f"/hr/fairness/{row.pk}/export.csv",
        "/hr/fairness/illinois.csv",
    ):
        assert client.get(address).status_code == 403, address


@pytest.mark.parametrize("role", ["recruiter", "hr_admin"])
def test_hr_reads_the_ratios_and_audits_but_asks_for_nothing(
    position, recruiter, client, role, request, settings
):
    """The figures are numbers by category: HR reads them (and the published audits) beside
    compliance, who alone computes, makes audits and exports Illinois' report."""
    settings.HRSUITE_FAIRNESS_SMALL_CELL = 1
    known_applicants(recruiter, position)
    fairness_refresh()
    row = FairnessResult.objects.get(scope="tool:simulated")
    client.force_login(request.getfixturevalue(role))
    home = client.get("/hr/fairness/")
    assert home.status_code == 200
    assert "Make a bias audit" not in home.text and "Illinois" not in home.text
    page = client.get(f"/hr/fairness/{row.pk}/")
    assert page.status_code == 200 and "0.500" in page.text  # the women's selection impact ratio
    assert client.get(f"/hr/fairness/{row.pk}/export.csv").status_code == 200
    for address in ("/hr/fairness/illinois.csv?year=2026",):
        assert client.get(address).status_code == 403, address
    for address in ("/hr/fairness/compute/", "/hr/fairness/audits/"):
        assert client.post(address, {"provider": "simulated"}).status_code == 403, address


def test_compliance_lands_on_fairness_and_sees_nothing_of_the_candidate_files(compliance, client):
    client.force_login(compliance)
    assert client.get("/")["Location"] == "/hr/fairness/"
    for address in ("/hr/", "/hr/candidates/", "/hr/positions/", "/hr/analytics/", "/hr/audit/"):
        assert client.get(address).status_code == 403, address


def test_the_pages_read_rows_by_key_in_a_few_queries(
    position, recruiter, compliance, client, django_assert_max_num_queries
):
    known_applicants(recruiter, position)
    fairness_refresh()
    row = FairnessResult.objects.get(scope="tool:simulated")
    client.force_login(compliance)
    client.get("/hr/fairness/")
    # Session, user, savepoints, roles, the row (or the lists): nothing grows with the applicants.
    with django_assert_max_num_queries(8):
        assert client.get(f"/hr/fairness/{row.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/hr/fairness/").status_code == 200
