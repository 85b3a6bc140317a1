"""The candidate list filtered by position or stage shows how many candidates match, counted from
the applications rather than by the list itself: each candidate once, in as many queries as the
unfiltered list."""

import re

import pytest
from django.urls import reverse

from backoffice.selectors import candidate_file
from backoffice.selectors.candidate_file import CandidatePageFilter, candidate_page_count
from candidates.models import Stage
from tests.backoffice.test_candidate_list import _candidates, _rows
from tests.factories import make_application, make_candidate, make_position
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LIST = reverse("hr-candidates")


@pytest.fixture
def clock():
    yield from frozen_clock()


def _total(page: str) -> int:
    return int(re.search(r"(\d+) candidates?</p>", page).group(1))


def test_a_candidate_with_two_matching_applications_is_counted_once(client, recruiter):
    engineer, analyst = make_position(recruiter), make_position(recruiter)
    (both,) = _candidates(recruiter, 1, position=engineer)
    second = make_application(recruiter, candidate=both, position=analyst)
    schedule(recruiter, application=second, starts_at=shanghai(2027, 3, 3, 10, 0))
    _candidates(recruiter, 2, position=analyst)
    make_candidate(recruiter)  # no application at all
    client.force_login(recruiter)

    page = client.get(LIST, {"stage": Stage.INTERVIEWING}).text
    assert _total(page) == 3 == _rows(page)
    page = client.get(LIST, {"position": analyst.pk}).text
    assert _total(page) == 3 == _rows(page)
    page = client.get(LIST, {"position": engineer.pk, "stage": Stage.INTERVIEWING}).text
    assert _total(page) == 1 == _rows(page)
    page = client.get(LIST, {"position": engineer.pk, "stage": Stage.APPLIED}).text
    assert "No candidate matches these filters." in page and _rows(page) == 0


def test_only_position_and_stage_alone_are_counted_from_the_applications(recruiter, hr_admin, interviewer):
    _candidates(recruiter, 1)
    assert candidate_page_count(user=recruiter, filters={"stage": Stage.INTERVIEWING}) == 1
    assert candidate_page_count(user=hr_admin, filters={"stage": Stage.INTERVIEWING}) == 1
    # Unfiltered, narrowed by the candidate's own columns, invalid, or seen by someone who does not
    # see every candidate: the list counts itself.
    assert candidate_page_count(user=recruiter, filters={}) is None
    assert candidate_page_count(user=recruiter, filters={"stage": "interviewing", "q": "x"}) is None
    assert candidate_page_count(user=recruiter, filters={"stage": "promoted"}) is None
    assert candidate_page_count(user=interviewer, filters={"stage": Stage.INTERVIEWING}) is None


@pytest.mark.parametrize("filters", [{"stage": "interviewing"}, {"stage": "interviewing", "page": "2"}])
def test_a_filtered_list_reads_as_many_queries_as_the_whole_list(
    client, recruiter, filters, django_assert_num_queries
):
    _candidates(recruiter, 30)
    client.force_login(recruiter)
    # As the unfiltered list (see test_candidate_pages): the applications' count takes the place
    # of the list's own.
    with django_assert_num_queries(12):
        response = client.get(LIST, filters)
    assert response.status_code == 200
    assert _total(response.text) == 30


@pytest.mark.parametrize("few", [True, False], ids=["matches-read-first", "newest-first-walk"])
def test_both_ways_of_reading_a_filtered_list_show_the_same_candidates_in_order(
    client, recruiter, monkeypatch, few
):
    """A position's few applicants are read first; a stage with many is walked newest first.
    The threshold is set here so each way runs on a small dataset: both must list exactly the
    matching candidates, each once, newest first, with the same pages."""
    if not few:
        monkeypatch.setattr(CandidatePageFilter, "FEW", 0)
    engineer, analyst = make_position(recruiter), make_position(recruiter)
    engineers = _candidates(recruiter, 30, position=engineer)
    analysts = _candidates(recruiter, 10, position=analyst)
    # Applied to both: the first is still at "applied" for the analyst role; the second is
    # interviewing for both, and listed once under that stage.
    make_application(recruiter, candidate=engineers[0], position=analyst)
    second = make_application(recruiter, candidate=engineers[1], position=analyst)
    schedule(recruiter, application=second, starts_at=shanghai(2027, 3, 3, 10, 0))
    make_candidate(recruiter)  # no application at all
    client.force_login(recruiter)

    def listed(**filters) -> list[str]:
        shown, page = [], 1
        while True:
            text = client.get(LIST, {**filters, "page": page}).text
            shown += re.findall(r'<td><a href="/hr/candidates/([0-9a-f-]{36})/', text)
            if len(shown) >= _total(text):
                return shown
            page += 1

    def newest_first(candidates) -> list[str]:
        ordered = sorted(candidates, key=lambda c: (-c.created_at.timestamp(), str(c.pk)))
        return [str(c.pk) for c in ordered]

    assert listed(position=engineer.pk) == newest_first(engineers)
    assert listed(position=analyst.pk) == newest_first([*analysts, *engineers[:2]])
    assert listed(stage=Stage.INTERVIEWING) == newest_first([*engineers, *analysts])
    assert listed(position=analyst.pk, stage=Stage.APPLIED) == [str(engineers[0].pk)]


def test_a_list_of_more_than_it_counts_says_so_and_lists_the_newest(client, recruiter, monkeypatch):
    """At 1,000,000 candidates a whole stage holds 400,000 of them: the page counts up to
    COUNTED_UP_TO and says "more than" that."""
    monkeypatch.setattr(candidate_file, "COUNTED_UP_TO", 5)
    interviewing = _candidates(recruiter, 7)
    client.force_login(recruiter)

    page = client.get(LIST, {"stage": Stage.INTERVIEWING}).text

    assert "More than 5 candidates" in page
    assert "These are the newest 5: narrow the filters to see the others." in page
    shown = re.findall(r'<td><a href="/hr/candidates/([0-9a-f-]{36})/', page)
    newest = sorted(interviewing, key=lambda c: (-c.created_at.timestamp(), str(c.pk)))[:5]
    assert shown == [str(c.pk) for c in newest]
    # A list within the count is counted exactly, as before.
    monkeypatch.setattr(candidate_file, "COUNTED_UP_TO", 7)
    assert _total(client.get(LIST, {"stage": Stage.INTERVIEWING}).text) == 7
