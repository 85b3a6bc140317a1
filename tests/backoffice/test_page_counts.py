"""The candidate list filtered by position or stage shows how many candidates match, counted from
the applications rather than by the list itself: each candidate once, in as many queries as the
unfiltered list."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from backoffice.selectors import candidate_file
from backoffice.selectors.candidate_file import candidate_page_count, candidate_page_keys
from candidates.models import OPEN_STAGES, Application, Candidate, Stage
from candidates.services.applications import application_move
from candidates.services.candidates import candidate_update
from hrsuite.roles import Role
from tests.backoffice.test_candidate_list import _candidates, _rows
from tests.factories import make_application, make_candidate, make_position, make_user
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


def test_only_position_and_stage_alone_are_read_from_the_applications(recruiter, hr_admin, interviewer):
    _candidates(recruiter, 1)
    for user in (recruiter, hr_admin):
        keys = candidate_page_keys(user=user, filters={"stage": Stage.INTERVIEWING})
        assert candidate_page_count(keys) == 1
    # Unfiltered, narrowed by the candidate's own columns, invalid, or seen by someone who does not
    # see every candidate: the list reads itself.
    assert candidate_page_keys(user=recruiter, filters={}) is None
    assert candidate_page_keys(user=recruiter, filters={"stage": "interviewing", "q": "x"}) is None
    assert candidate_page_keys(user=recruiter, filters={"stage": "promoted"}) is None
    assert candidate_page_keys(user=interviewer, filters={"stage": Stage.INTERVIEWING}) is None


@pytest.mark.parametrize("filters", [{"stage": "interviewing"}, {"stage": "interviewing", "page": "2"}])
def test_a_filtered_list_reads_as_many_queries_as_the_whole_list(
    client, recruiter, filters, django_assert_num_queries
):
    _candidates(recruiter, 30)
    client.force_login(recruiter)
    # As the unfiltered list (see test_candidate_pages): the applications' count takes the place
    # of the list's own.
    with django_assert_num_queries(13):
        response = client.get(LIST, filters)
    assert response.status_code == 200
    assert _total(response.text) == 30


def test_a_list_narrowed_by_position_or_stage_lists_each_match_once_newest_first(client, recruiter):
    """Read from the applications, the list must hold exactly the candidates the candidates'
    own list would, each once, newest first, with the same pages."""
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


def test_a_recruiter_without_the_view_permission_finds_no_one_narrowed_by_stage(client, recruiter):
    """Not every candidate visible: the list reads itself through `restrict()`, not from the
    applications, which would name candidates the viewer may not see."""
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name=Role.RECRUITER).permissions.remove(
        Permission.objects.get(codename="view_candidate")
    )
    limited = make_user(Role.RECRUITER, username="limited")
    hidden = _candidates(recruiter, 2)
    client.force_login(limited)

    page = client.get(LIST, {"stage": Stage.INTERVIEWING}).text

    assert "No candidate matches these filters." in page
    assert not [c for c in hidden if str(c.pk) in page]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")
def test_a_narrowed_page_and_its_count_are_read_along_an_index_without_sorting(recruiter):
    """However many match (400,000 candidates at a stage, at 1,000,000), a page of 25 reads its
    keys from an index of the applications in the list's order, and the count stops at
    COUNTED_UP_TO + 1. The plans are asked for with sequential and bitmap scans priced out, as a
    table of millions makes them, and sorting too: a plan that still sorts has no index in the
    list's order."""
    (candidate,) = _candidates(recruiter, 1)
    position = candidate.applications.get().position_id
    with connection.cursor() as cursor:
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
    for filters, index in (
        ({"stage": Stage.INTERVIEWING}, "application_stage_newest"),
        ({"position": position}, "application_position_newest"),
        ({"position": position, "stage": Stage.INTERVIEWING}, "application_position_stage_new"),
    ):
        keys = candidate_page_keys(user=recruiter, filters=filters)
        for plan in (keys[25:50].explain(), keys[: candidate_file.COUNTED_UP_TO + 1].explain()):
            assert f"Index Only Scan using {index}" in plan, plan
            assert "Sort" not in plan, plan


def test_a_viewer_who_does_not_see_every_application_is_not_given_keys_from_them(recruiter):
    from django.contrib.auth.models import Group, Permission

    _candidates(recruiter, 1)
    Group.objects.get(name=Role.RECRUITER).permissions.remove(
        Permission.objects.get(codename="view_application")
    )
    limited = make_user(Role.RECRUITER, username="limited")

    assert candidate_page_keys(user=limited, filters={"stage": Stage.INTERVIEWING}) is None


def test_sorted_by_time_in_stage_the_keys_list_each_candidate_once_by_their_matching_application(
    client, recruiter, time_machine
):
    """Read from the applications' indexes, the list sorted by time in stage holds exactly the
    candidates `_sorted` orders, each once, on every page: by their longest waiting (or latest
    moved) matching application, ties newest first, and (not narrowed) those without an open
    application after them, newest first."""
    engineer, analyst = make_position(recruiter), make_position(recruiter)
    start = datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC)
    made = []
    for n in range(26):
        time_machine.move_to(start + datetime.timedelta(hours=n * 7 % 26))
        made.append(make_application(recruiter, position=engineer))
    # Two open applications: the analyst one waits longer; one candidate withdrew from their only
    # one, and one has none at all.
    time_machine.move_to(start - datetime.timedelta(days=1))
    make_application(recruiter, candidate=made[3].candidate, position=analyst)
    time_machine.move_to(start + datetime.timedelta(days=2))
    application_move(application=made[5], event="withdraw", actor=recruiter)
    application_move(application=made[6], event="screen", actor=recruiter)
    make_candidate(recruiter)
    client.force_login(recruiter)

    def listed(**filters) -> list[str]:
        shown, page = [], 1
        while True:
            text = client.get(LIST, {**filters, "page": page}).text
            rows = re.findall(r'<td><a href="/hr/candidates/([0-9a-f-]{36})/', text)
            shown += rows
            if not rows or len(shown) >= _total(text):
                return shown
            page += 1

    def expected(longest: bool, **wanted) -> list[str]:
        if "stage" not in wanted:
            wanted["stage__in"] = OPEN_STAGES
        keyed, rest = [], []
        for candidate in Candidate.objects.all():
            times = [a.stage_changed_at for a in Application.objects.filter(candidate=candidate, **wanted)]
            newest = -candidate.created_at.timestamp()
            if times:
                at = min(times).timestamp() if longest else -max(times).timestamp()
                keyed.append((at, newest, str(candidate.pk)))
            elif "stage__in" in wanted and not ({"position", "stage"} & set(wanted)):
                rest.append((newest, str(candidate.pk)))
        return [key[-1] for key in sorted(keyed)] + [key[-1] for key in sorted(rest)]

    for sort, longest in (("in_stage", True), ("-in_stage", False)):
        assert candidate_page_keys(user=recruiter, filters={"sort": sort}) is not None
        assert listed(sort=sort) == expected(longest)
        assert listed(sort=sort, stage=Stage.APPLIED) == expected(longest, stage=Stage.APPLIED)
        assert listed(sort=sort, position=engineer.pk) == expected(longest, position=engineer.pk)
        assert listed(sort=sort, position=analyst.pk) == expected(longest, position=analyst.pk)
    assert len(listed(sort="in_stage")) == Candidate.objects.count()


def test_a_long_sorted_or_filtered_list_says_more_than_it_counts(client, recruiter, monkeypatch):
    """Sorted by an application, or filtered by the candidates' own columns, the list counts up
    to COUNTED_UP_TO too; the whole list, sorted by when they were added, counts them all."""
    monkeypatch.setattr(candidate_file, "COUNTED_UP_TO", 5)
    for candidate in _candidates(recruiter, 7):
        candidate_update(candidate=candidate, source="referral", actor=recruiter)
    client.force_login(recruiter)
    for filters in (
        {"sort": "in_stage"},
        {"sort": "-in_stage", "stage": Stage.INTERVIEWING},
        {"sort": "position"},
        {"source": "referral"},
    ):
        page = client.get(LIST, filters).text
        assert "More than 5 candidates" in page and _rows(page) == 5, filters
    assert _total(client.get(LIST, {"sort": "added"}).text) == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")
def test_sorted_by_time_in_stage_a_page_is_read_along_an_index(recruiter):
    """The keys come along `application_stage_since` (narrowed by stage) or
    `application_open_since` (not narrowed), sorting only ties within one instant, never the
    matches as a whole."""
    _candidates(recruiter, 1)
    with connection.cursor() as cursor:
        # Priced out as a table of millions prices them; an incremental sort, of the ties within
        # one instant of an index already in order, stays.
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
    for filters, index in (
        ({"sort": "in_stage", "stage": Stage.INTERVIEWING}, "application_stage_since"),
        ({"sort": "-in_stage", "stage": Stage.INTERVIEWING}, "application_stage_since"),
        ({"sort": "in_stage"}, "application_open_since"),
    ):
        keys = candidate_page_keys(user=recruiter, filters=filters)
        ordered = (keys if "stage" in filters else keys.first).keys
        plan = ordered[25:50].explain()
        assert f"using {index}" in plan, plan
        assert not re.search(r"(?<!Incremental )Sort  \(", plan), plan


def test_sorted_by_position_the_keys_list_each_candidate_once_under_their_first_position(
    client, recruiter, time_machine
):
    """By the title of the first of their positions, positions of one title in the order of
    their ids, newest first within each; those without an open application last (not narrowed).
    The same as the candidates' own sort, which a search takes."""
    time_machine.move_to(datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC))
    titles = ["Zeta", "Alpha", "Mu", "Alpha"]
    positions = [make_position(recruiter, title_en=title) for title in titles]
    made = []
    for n in range(27):
        time_machine.shift(datetime.timedelta(minutes=5))
        made.append(make_application(recruiter, position=positions[n % 4]))
    for n in (1, 4, 9):  # a second application, under a position earlier or later by title
        make_application(recruiter, candidate=made[n].candidate, position=positions[(n + 2) % 4])
    application_move(application=made[2], event="withdraw", actor=recruiter)
    application_move(application=made[7], event="screen", actor=recruiter)
    make_candidate(recruiter)
    client.force_login(recruiter)

    def listed(**filters) -> list[str]:
        shown, page = [], 1
        while True:
            text = client.get(LIST, {**filters, "sort": "position", "page": page}).text
            rows = re.findall(r'<td><a href="/hr/candidates/([0-9a-f-]{36})/', text)
            shown += rows
            if not rows or len(shown) >= _total(text):
                return shown
            page += 1

    def expected(**wanted) -> list[str]:
        narrowed = bool(wanted)
        if "stage" not in wanted:
            wanted["stage__in"] = OPEN_STAGES
        keyed, rest = [], []
        for candidate in Candidate.objects.all():
            mine = Application.objects.filter(candidate=candidate, **wanted).select_related("position")
            firsts = sorted((a.position.title_en, str(a.position_id)) for a in mine)
            newest = (-candidate.created_at.timestamp(), str(candidate.pk))
            if firsts:
                keyed.append((firsts[0], newest))
            elif not narrowed:
                rest.append(newest)
        return [key[1][1] for key in sorted(keyed)] + [key[1] for key in sorted(rest)]

    assert candidate_page_keys(user=recruiter, filters={"sort": "position"}) is not None
    assert listed() == expected()
    assert listed(stage=Stage.APPLIED) == expected(stage=Stage.APPLIED)
    assert len(listed()) == Candidate.objects.count()
    # Narrowed by a search (every name holds "Candidate"), the candidates sort themselves, in
    # the same order.
    searched = client.post(LIST, {"find": "search", "search": "Candidate"})
    assert searched.status_code == 302
    text = client.get(searched.url + "&sort=position").text
    assert re.findall(r'<td><a href="/hr/candidates/([0-9a-f-]{36})/', text) == expected()[:25]
