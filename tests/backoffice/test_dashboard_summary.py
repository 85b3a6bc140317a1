"""The dashboard's counts kept as one database row per scope: a fresh or stale row is served
without counting (a stale one is asked of beat, which counts it again once, however many runs
overlap), a missing one is asked for and the page shown without counts until beat makes them
(a view counts only when beat has not taken the ask up for two minutes), two first views at once
leave one row, each viewer's agenda days are summed from the row's UTC quarter hours, a
restricted user never gets another scope's counts, and the row names no candidate."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as fixed_zone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice import tasks
from backoffice.models import DashboardSummary
from backoffice.selectors import dashboard
from backoffice.selectors.dashboard import (
    COUNTING_AT_MOST,
    SUMMARY_KEPT_FOR,
    SUMMARY_SECONDS,
    UNANSWERED_AFTER,
    interviews_per_day_for,
    summary_for,
)
from hrsuite.roles import Role
from interviews.models import Interview
from onboarding.models import BackgroundCheck, Offer
from tests.conftest import ON_POSTGRES
from tests.factories import make_application, make_candidate, make_hire, make_interview, make_user
from tests.interviews.test_booking_conflicts import _race

pytestmark = pytest.mark.django_db

DASHBOARD = "/hr/"
# Tuesday 2 March 2027, 02:00 UTC: 10:00 in Shanghai, 07:30 in Kolkata.
NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
SHANGHAI, KOLKATA, CHICAGO = ZoneInfo("Asia/Shanghai"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Chicago")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _view(client, user) -> str:
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.text


def _counted(client, *users) -> None:
    """The users' rows as beat leaves them after their first views asked for them."""
    for user in users:
        _view(client, user)
    tasks.dashboard_counts_refresh()


def _offers_sent(text: str) -> str:
    offers = text[text.index("Offers by state") : text.index("Background checks by state")]
    return offers.split('<span class="label">Sent</span>')[1].split('<span class="value">')[1].split("<")[0]


def _plant(scope: str, *, sent: int, counted_at: datetime) -> None:
    """Changes the scope's row to say `sent` offers were sent, as of `counted_at`."""
    row = DashboardSummary.objects.get(scope=scope)
    row.counts["offers"] = {"sent": sent}
    DashboardSummary.objects.filter(scope=scope).update(counts=row.counts, counted_at=counted_at)


# --- Fresh, stale, missing -------------------------------------------------------------------------


def test_a_fresh_row_is_served_without_counting(client, recruiter, clock):
    make_hire(recruiter)
    _counted(client, recruiter)
    _plant("all", sent=41, counted_at=NOW - timedelta(seconds=SUMMARY_SECONDS - 1))

    with CaptureQueriesContext(connection) as captured:
        text = _view(client, recruiter)

    assert _offers_sent(text) == "41"
    statements = _statements(captured)
    assert not [sql for sql in statements if "COUNT(" in sql or "GROUP BY" in sql]
    # Offers and checks are only ever counted, never listed.
    only_counted = (Offer._meta.db_table.upper(), BackgroundCheck._meta.db_table.upper())
    assert not [sql for sql in statements if any(table in sql for table in only_counted)]


def _statements(captured) -> list[str]:
    return [query["sql"].upper() for query in captured.captured_queries]


def test_a_stale_row_is_shown_as_it_is_and_asked_of_beat_once(client, recruiter, clock):
    make_hire(recruiter)
    _counted(client, recruiter)
    _plant("all", sent=41, counted_at=NOW - timedelta(seconds=SUMMARY_SECONDS))

    with CaptureQueriesContext(connection) as first:
        assert _offers_sent(_view(client, recruiter)) == "41"
    with CaptureQueriesContext(connection) as second:
        assert _offers_sent(_view(client, recruiter)) == "41"

    assert not [sql for sql in _statements(first) if "COUNT(" in sql or "GROUP BY" in sql]
    asked = [sql for sql in _statements(first) if sql.startswith("UPDATE") and "DASHBOARDSUMMARY" in sql]
    assert len(asked) == 1
    assert not [sql for sql in _statements(second) if sql.startswith("UPDATE") and "DASHBOARDSUMMARY" in sql]
    assert DashboardSummary.objects.get(scope="all").recount_asked_at == NOW

    assert tasks.dashboard_counts_refresh() == ["all"]

    row = DashboardSummary.objects.get(scope="all")
    assert (row.counted_at, row.counts["offers"], row.recount_asked_at) == (NOW, {"sent": 1}, None)
    assert _offers_sent(_view(client, recruiter)) == "1"


def _being_counted(text: str) -> bool:
    offers = text[text.index("Offers by state") : text.index("Background checks by state")]
    return "Being counted" in offers and '<span class="value">' not in offers


def test_a_row_a_day_old_is_not_shown_but_asked_for(client, recruiter, clock):
    """Beat has not run for a day (stopped, say): the view does not show counts that old."""
    make_hire(recruiter)
    _counted(client, recruiter)
    _plant("all", sent=41, counted_at=NOW - SUMMARY_KEPT_FOR)

    assert _being_counted(_view(client, recruiter))
    assert DashboardSummary.objects.get(scope="all").recount_asked_at == NOW

    assert tasks.dashboard_counts_refresh() == ["all"]
    assert _offers_sent(_view(client, recruiter)) == "1"


def test_a_first_view_asks_for_the_counts_and_shows_the_page_without_them(client, recruiter, clock):
    make_hire(recruiter)
    assert not DashboardSummary.objects.exists()

    with CaptureQueriesContext(connection) as captured:
        text = _view(client, recruiter)

    assert _being_counted(text)
    assert "counts being made" in text and "appear within a minute" in text
    only_counted = (Offer._meta.db_table.upper(), BackgroundCheck._meta.db_table.upper())
    assert not [sql for sql in _statements(captured) if any(table in sql for table in only_counted)]
    assert not [sql for sql in _statements(captured) if "COUNT(" in sql or "GROUP BY" in sql]
    (row,) = DashboardSummary.objects.values_list("scope", "counted_at", "counts", "recount_asked_at")
    assert row == ("all", None, None, NOW)

    assert tasks.dashboard_counts_refresh() == ["all"]
    assert _offers_sent(_view(client, recruiter)) == "1"


def test_a_fresh_row_of_other_counts_is_asked_for_again(client, recruiter, clock):
    """As a row written by another release during a deployment."""
    make_hire(recruiter)
    DashboardSummary.objects.create(scope="all", counted_at=NOW, counts={"offers": {"sent": 41}})

    assert _being_counted(_view(client, recruiter))
    assert tasks.dashboard_counts_refresh() == ["all"]
    assert DashboardSummary.objects.get(scope="all").counts["offers"] == {"sent": 1}


def test_an_ask_no_run_of_beat_took_up_is_counted_in_the_view(client, recruiter, clock, caplog):
    """The worker or its broker is down: after UNANSWERED_AFTER, a view counts for itself."""
    make_hire(recruiter)
    _view(client, recruiter)
    clock.shift(UNANSWERED_AFTER - timedelta(seconds=1))
    assert _being_counted(_view(client, recruiter))
    clock.shift(timedelta(seconds=1))

    assert _offers_sent(_view(client, recruiter)) == "1"

    row = DashboardSummary.objects.get(scope="all")
    assert (row.counted_at, row.recount_asked_at) == (timezone.now(), None)
    assert "counting here" in caplog.text


def test_an_ask_a_run_of_beat_is_counting_is_left_to_it(client, recruiter, clock):
    make_hire(recruiter)
    _view(client, recruiter)
    DashboardSummary.objects.update(counting_since=NOW)
    clock.shift(UNANSWERED_AFTER * 2)

    assert _being_counted(_view(client, recruiter))


# SQLite's in-memory test database refuses a second transaction while one writes ("database
# table is locked"); the test below plays the same meeting on one connection.
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_two_first_views_at_once_leave_one_row_and_no_error(recruiter, hr_admin):
    make_hire(recruiter)
    clients = []
    for user in (recruiter, hr_admin):  # two users of the shared scope, each with a connection
        clients.append(Client())
        clients[-1].force_login(user)

    answers = _race([lambda client=client: client.get(DASHBOARD) for client in clients])

    assert [getattr(answer, "status_code", answer) for answer in answers] == [200, 200]
    (row,) = DashboardSummary.objects.all()
    assert (row.scope, row.counts, row.recount_asked_at is not None) == ("all", None, True)


def test_a_view_counting_for_itself_writes_over_a_row_beat_wrote_meanwhile(
    client, recruiter, clock, monkeypatch
):
    make_hire(recruiter)
    _view(client, recruiter)
    clock.shift(UNANSWERED_AFTER)
    count = dashboard.count_for

    def count_while_beat_writes(*, user, now):
        summary = count(user=user, now=now)
        dashboard._keep_summary("all", replace(summary, offers={"sent": 41}))
        return summary

    monkeypatch.setattr(dashboard, "count_for", count_while_beat_writes)
    assert _offers_sent(_view(client, recruiter)) == "1"

    (row,) = DashboardSummary.objects.all()
    assert row.counts["offers"] == {"sent": 1}


# --- Agenda days from UTC quarter hours ------------------------------------------------------------


def _interviews_at(recruiter, *starts: datetime) -> list[Interview]:
    interviews = []
    for starts_at in starts:
        interview = make_interview(recruiter, starts_in=timedelta(days=1))
        Interview.objects.filter(pk=interview.pk).update(starts_at=starts_at)
        interviews.append(interview)
    return interviews


def _days(recruiter, tz) -> dict[date, int]:
    """The viewer's non-empty agenda days, from the summary beat made; checked against a count
    made for `tz` alone."""
    tasks.dashboard_counts_refresh()
    now = timezone.now()
    summary = summary_for(user=recruiter, now=now, tz=tz)
    today = timezone.localtime(now, tz).date()
    direct = interviews_per_day_for(user=recruiter, today=today, tz=tz)
    days = {day: n for day, n in summary.agenda_days.items() if n}
    assert days == direct
    return days


def test_agenda_days_in_shanghai_and_kolkata_come_from_one_row(recruiter, clock, django_assert_num_queries):
    cst = datetime(2027, 3, 2, tzinfo=SHANGHAI)
    ist = datetime(2027, 3, 2, tzinfo=KOLKATA)
    _interviews_at(
        recruiter,
        cst + timedelta(minutes=10),  # early today in Shanghai: the day before in UTC
        cst + timedelta(hours=23, minutes=59),
        cst + timedelta(days=1),
        cst + timedelta(days=7, hours=23, minutes=50),  # the agenda's last day
        cst + timedelta(days=8),  # past it
        ist + timedelta(minutes=15),
        ist + timedelta(hours=23, minutes=45),
        ist + timedelta(days=1),  # 18:30 UTC: midnight in Kolkata is on the half hour
        ist + timedelta(days=1, minutes=10),
    )
    cancelled = _interviews_at(recruiter, cst + timedelta(hours=12))[0]
    Interview.objects.filter(pk=cancelled.pk).update(status=Interview.Status.CANCELLED)
    tasks.dashboard_counts_refresh()

    with django_assert_num_queries(1):  # the row: a second zone's days are summed from it
        days = summary_for(user=recruiter, now=NOW, tz=KOLKATA).agenda_days
    assert sum(days.values()) == 8

    mar = {day: date(2027, 3, day) for day in range(1, 32)}
    assert _days(recruiter, SHANGHAI) == {mar[2]: 3, mar[3]: 4, mar[9]: 1}
    # Kolkata is 2:30 behind Shanghai: its today began after the first interview, and its last
    # agenda day ends after the one past Shanghai's.
    assert _days(recruiter, KOLKATA) == {mar[2]: 4, mar[3]: 2, mar[9]: 2}


def test_agenda_days_in_chicago_across_the_change_to_summer_time(recruiter):
    # Wednesday 10 March 2027, noon in Chicago; clocks go forward on Sunday 14 March at 02:00.
    with time_machine.travel(datetime(2027, 3, 10, 18, 0, tzinfo=UTC), tick=False):
        _interviews_at(
            recruiter,
            datetime(2027, 3, 13, 23, 30, tzinfo=CHICAGO),  # 05:30 UTC on the 14th
            datetime(2027, 3, 14, 0, 30, tzinfo=CHICAGO),
            datetime(2027, 3, 14, 23, 30, tzinfo=CHICAGO),
            datetime(2027, 3, 15, 0, 30, tzinfo=CHICAGO),  # 05:30 UTC: 23:30 on the 14th in winter time
            datetime(2027, 3, 17, 23, 45, tzinfo=CHICAGO),  # the agenda's last day
            datetime(2027, 3, 18, 0, 0, tzinfo=CHICAGO),  # past it
        )

        days = _days(recruiter, CHICAGO)

    mar = {day: date(2027, 3, day) for day in range(1, 32)}
    assert days == {mar[13]: 1, mar[14]: 2, mar[15]: 1, mar[17]: 1}


def test_a_zone_whose_midnight_is_inside_a_quarter_hour_is_counted_for_itself(recruiter, clock):
    odd = fixed_zone(timedelta(minutes=10))
    # 23:55 UTC on 2 March is five past midnight on the 3rd, in the quarter that started at 23:45.
    _interviews_at(recruiter, datetime(2027, 3, 2, 23, 55, tzinfo=UTC))

    assert _days(recruiter, odd) == {date(2027, 3, 3): 1}


@pytest.mark.parametrize("zone", ["Etc/GMT-14", "Etc/GMT+12", "Asia/Kathmandu", "Australia/Eucla"])
def test_a_row_answers_every_zone_until_it_is_stale_even_past_midnight_utc(
    recruiter, zone, django_assert_num_queries
):
    counted = datetime(2027, 3, 2, 23, 59, 30, tzinfo=UTC)
    with time_machine.travel(counted, tick=False):
        tasks.dashboard_counts_refresh()
    summary_for(user=recruiter, now=counted, tz=UTC)  # reads the viewer's permissions once

    for seen in (counted, counted + timedelta(seconds=SUMMARY_SECONDS - 1)):
        with django_assert_num_queries(1):  # the row, and no count for the zone
            summary_for(user=recruiter, now=seen, tz=ZoneInfo(zone))


# --- Whose counts --------------------------------------------------------------------------------


@pytest.fixture
def recruiters_without_offers(db):
    """Recruiters who do not see every offer: they no longer share the "all" row."""
    group = Group.objects.get(name=Role.RECRUITER)
    view_offer = Permission.objects.get(codename="view_offer", content_type__app_label="onboarding")
    group.permissions.remove(view_offer)


def test_a_restricted_recruiter_never_gets_the_shared_or_another_users_counts(
    client, recruiter, hr_admin, clock, recruiters_without_offers
):
    other = make_user(Role.RECRUITER, username="other-recruiter")
    make_hire(recruiter)
    _counted(client, hr_admin, other)
    fresh = NOW - timedelta(seconds=1)
    _plant("all", sent=41, counted_at=fresh)
    _plant(f"user-{other.pk}", sent=77, counted_at=fresh)

    assert _being_counted(_view(client, recruiter))
    assert tasks.dashboard_counts_refresh() == [f"user-{recruiter.pk}"]
    assert _offers_sent(_view(client, recruiter)) == "0"
    assert _offers_sent(_view(client, other)) == "77"
    assert _offers_sent(_view(client, hr_admin)) == "41"
    assert set(DashboardSummary.objects.values_list("scope", flat=True)) == {
        "all",
        f"user-{recruiter.pk}",
        f"user-{other.pk}",
    }


# --- Beat ------------------------------------------------------------------------------------------


def test_beat_writes_the_shared_row_on_the_embedded_default(recruiter, settings, clock):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    make_application(recruiter)

    assert tasks.dashboard_counts_refresh() == ["all"]

    row = DashboardSummary.objects.get(scope="all")
    assert row.counted_at == NOW
    assert sum(position["total"] for position in row.counts["pipeline"]) == 1


def test_beat_deletes_the_rows_no_one_has_read_for_a_day(client, recruiter, hr_admin, clock):
    left = make_user(Role.RECRUITER, username="left")
    _counted(client, left, hr_admin)
    DashboardSummary.objects.filter(scope__in=["all", f"user-{left.pk}"]).update(
        counted_at=NOW - timedelta(days=1, seconds=1)
    )
    DashboardSummary.objects.create(scope="user-0", counted_at=NOW - timedelta(hours=23), counts={})

    tasks.dashboard_counts_refresh()

    kept = dict(DashboardSummary.objects.values_list("scope", "counted_at"))
    assert kept == {"all": NOW, "user-0": NOW - timedelta(hours=23)}


def test_beat_counts_a_restricted_users_row_only_when_a_view_asked(
    client, recruiter, hr_admin, clock, recruiters_without_offers
):
    make_hire(recruiter)
    other = make_user(Role.RECRUITER, username="other-recruiter")
    _counted(client, recruiter, other, hr_admin)
    stale = NOW - timedelta(seconds=SUMMARY_SECONDS)
    for user in (recruiter, other):
        _plant(f"user-{user.pk}", sent=41, counted_at=stale)
    _plant("all", sent=41, counted_at=NOW - timedelta(seconds=1))

    _view(client, recruiter)  # finds its row stale: asks for it

    assert tasks.dashboard_counts_refresh() == [f"user-{recruiter.pk}"]
    kept = dict(DashboardSummary.objects.values_list("scope", "counted_at"))
    assert kept == {"all": NOW - timedelta(seconds=1), f"user-{recruiter.pk}": NOW, f"user-{other.pk}": stale}


def test_beat_deletes_an_asked_row_whose_user_left(
    client, recruiter, hr_admin, clock, recruiters_without_offers
):
    _counted(client, recruiter, hr_admin)
    DashboardSummary.objects.filter(scope=f"user-{recruiter.pk}").update(recount_asked_at=NOW)
    type(recruiter).objects.filter(pk=recruiter.pk).update(is_active=False)

    assert tasks.dashboard_counts_refresh() == []
    assert list(DashboardSummary.objects.values_list("scope", flat=True)) == ["all"]


def test_a_row_another_run_is_counting_is_left_to_it_unless_that_run_died(client, recruiter, clock):
    """Runs overlap when a count takes longer than beat's period: each row is counted once."""
    make_hire(recruiter)
    _counted(client, recruiter)
    old = NOW - timedelta(seconds=SUMMARY_SECONDS)
    _plant("all", sent=41, counted_at=old)
    DashboardSummary.objects.update(counting_since=NOW - timedelta(seconds=30))

    assert tasks.dashboard_counts_refresh() == []
    assert DashboardSummary.objects.get(scope="all").counts["offers"] == {"sent": 41}

    DashboardSummary.objects.update(counting_since=NOW - COUNTING_AT_MOST - timedelta(seconds=1))
    assert tasks.dashboard_counts_refresh() == ["all"]
    row = DashboardSummary.objects.get(scope="all")
    assert (row.counts["offers"], row.counting_since) == ({"sent": 1}, None)


def test_a_run_counts_a_row_a_second_run_then_finds_fresh(recruiter, clock):
    make_hire(recruiter)

    assert tasks.dashboard_counts_refresh() == ["all"]  # no row yet: made
    assert tasks.dashboard_counts_refresh() == []


# --- What a row holds ------------------------------------------------------------------------------


def test_the_row_names_and_identifies_no_candidate(client, recruiter, clock):
    candidate = make_candidate(recruiter, full_name="Ouyang Xiaoling")
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
    _counted(client, recruiter)

    (row,) = DashboardSummary.objects.values_list("counts", flat=True)
    kept = str(row)
    for value in (candidate.full_name, candidate.pk, interview.application_id, interview.pk):
        assert str(value) not in kept
    assert interview.application.position.title in kept  # the open positions are named


def test_a_first_view_shows_a_cut_agenda_as_at_least_what_it_lists(client, recruiter, clock):
    """Without counts the page does not know how many interviews the week holds beyond the
    AGENDA_SIZE it lists, and says so rather than count them in the view."""
    for _ in range(dashboard.AGENDA_SIZE + 1):
        make_interview(recruiter, starts_in=timedelta(hours=3))

    text = _view(client, recruiter)

    assert f'<span class="figure">{dashboard.AGENDA_SIZE}+</span> interviews today' in text
    tasks.dashboard_counts_refresh()
    text = _view(client, recruiter)
    assert f'<span class="figure">{dashboard.AGENDA_SIZE + 1}</span> interviews today' in text
