"""The audit API pages by cursor in the trail's order (audit.apis.TrailCursor): the events not
chained yet on top, newest first by id, then the chain from its head down. The chainer links
events between two page reads; a reader still sees every event once."""

import base64
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import chain
from audit.exports import COLUMNS
from audit.models import AuditAction, AuditEvent
from audit.services import audit_chain_pending, audit_record

pytestmark = pytest.mark.django_db

THINGS = {"target_type": "tests.thing"}


def _view(target_id: str, *, actor: str = "test", action=AuditAction.VIEW) -> AuditEvent:
    return audit_record(actor=actor, action=action, target_type="tests.thing", target_id=target_id)


def _late(target_id: str, *, pk: int) -> AuditEvent:
    """An event whose id is lower than events already chained, as a long transaction's event
    is when it commits after theirs."""
    event = AuditEvent(pk=pk, actor_label="test", action=AuditAction.VIEW, **THINGS, target_id=target_id)
    event.seal = chain.seal(event)
    AuditEvent.objects.bulk_create([event])
    return event


def _chain() -> None:
    """What the chainer does after a commit (the test's transaction never commits)."""
    while audit_chain_pending(wait=True):
        pass


def _expected(**filters) -> list[str]:
    """The target ids the trail shows now, newest first: unchained by id, then by seq."""
    events = AuditEvent.objects.filter(**THINGS, **filters).order_by("-id")
    unchained = [e.target_id for e in events if e.seq is None]
    return unchained + [e.target_id for e in sorted(events, key=lambda e: -(e.seq or 0)) if e.seq]


def _page(client, url: str, query: dict | None = None) -> dict:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return response.json()


def _first(client, page_size: int, **filters) -> dict:
    return _page(client, reverse("audit-event-list"), {**THINGS, **filters, "page_size": page_size})


def _ids(page: dict) -> list[str]:
    return [row["target_id"] for row in page["results"]]


def _following(client, page: dict, link: str = "next"):
    """The pages after `page` along its `link`s (a loop fails the test rather than hang it)."""
    for _ in range(50):
        if not page[link]:
            return
        page = _page(client, page[link])
        yield page
    raise AssertionError(f"the {link} links go round")


def _walk(client, page_size: int, **filters) -> list[list[str]]:
    """Every page, along the `next` links."""
    page = _first(client, page_size, **filters)
    return [_ids(page)] + [_ids(later) for later in _following(client, page)]


@pytest.fixture
def trail():
    """Five events chained, then four not chained yet."""
    for n in range(1, 6):
        _view(f"chained-{n}")
    _chain()
    for n in range(1, 5):
        _view(f"unchained-{n}")
    assert AuditEvent.objects.filter(**THINGS, seq__isnull=True).count() == 4
    return _expected()


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5, 9, 100])
def test_the_pages_show_every_event_once_unchained_on_top(api, hr_admin, trail, page_size):
    pages = _walk(api.as_user(hr_admin), page_size)

    assert [target for page in pages for target in page] == trail
    assert trail[:4] == ["unchained-4", "unchained-3", "unchained-2", "unchained-1"]
    assert all(len(page) == page_size for page in pages[:-1])


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5])
def test_an_event_chained_between_two_pages_is_shown_once_and_hides_no_older_one(
    api, hr_admin, trail, page_size
):
    client = api.as_user(hr_admin)
    page = _first(client, page_size)
    seen = _ids(page)
    _chain()  # the unchained events shown, and those not shown yet, get seqs above every other
    _view("newer")  # and a new event arrives above the page: not one for the pages below
    for later in _following(client, page):
        seen += _ids(later)
        _chain()

    assert seen == trail


def test_a_late_event_chained_after_newer_ones_is_shown_in_its_place(api, hr_admin):
    """Unchained events are ordered by id: one written before events already chained (a long
    transaction's) is shown under the newer unchained ones, however the chainer orders them."""
    top = _view("chained").pk + 100
    _chain()
    for n, pk in enumerate((top + 40, top + 50, top + 60), start=1):
        _late(f"unchained-{n}", pk=pk)
    _late("late", pk=top + 10)
    client = api.as_user(hr_admin)

    page = _first(client, 2)
    _chain()
    rest = _page(client, page["next"])

    assert _ids(page) + _ids(rest) == ["unchained-3", "unchained-2", "unchained-1", "late"]
    assert _ids(_page(client, rest["next"])) == ["chained"]


@pytest.mark.parametrize("page_size", [1, 2, 3, 4])
@pytest.mark.parametrize("chained_between", [False, True])
def test_previous_links_go_back_page_by_page(api, hr_admin, trail, page_size, chained_between):
    client = api.as_user(hr_admin)
    page = _first(client, page_size)
    assert page["previous"] is None
    forward, last = [_ids(page)], page
    for last in _following(client, page):
        forward.append(_ids(last))
        if chained_between:
            _chain()

    backward, top = [_ids(last)], last
    for top in _following(client, last, "previous"):
        backward.append(_ids(top))

    assert backward == forward[::-1]
    # and from the top down again
    assert [_ids(top)] + [_ids(later) for later in _following(client, top)] == forward


def test_filters_page_with_the_cursor(api, hr_admin, django_capture_on_commit_callbacks):
    """An actor, an action and a time range, through pages of one event: the range's unchained
    events (read apart) on top, then its chained ones, late ones included."""

    def written(target_id: str, when: datetime, *, actor="alice", action=AuditAction.VIEW) -> None:
        with time_machine.travel(when, tick=False):
            _view(target_id, actor=actor, action=action)

    day = datetime(2027, 3, 1, tzinfo=UTC)
    for hour in range(1, 7):
        written(f"view-{hour}", day.replace(hour=hour))
        written(f"update-{hour}", day.replace(hour=hour), action=AuditAction.UPDATE)
        written(f"bob-{hour}", day.replace(hour=hour), actor="bob")
    written("next-day", day.replace(day=2, hour=1))
    _chain()
    written("late", day.replace(hour=23))
    _chain()
    written("pending-1", day.replace(hour=22))
    written("pending-2", day.replace(hour=21))
    written("pending-next-day", day.replace(day=2, hour=2))
    client = api.as_user(hr_admin)
    query = {
        "actor": "alice",
        "action": "view",
        "since": "2027-03-01T00:00:00Z",
        "until": "2027-03-02T00:00:00Z",
    }

    pages = _walk(client, 1, **query)
    pages_of_two = _walk(client, 2, **query)

    expected = ["pending-2", "pending-1", "late", *(f"view-{hour}" for hour in range(6, 0, -1))]
    assert [target for page in pages for target in page] == expected
    assert [target for page in pages_of_two for target in page] == expected


def _encoded(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!!",
        "é",
        _encoded("not a query"),
        _encoded("r=1"),  # no place
        _encoded("s=1&i=2"),  # two places
        _encoded("s=0"),
        _encoded("i=0"),
        _encoded("s=-1"),
        _encoded("i=99999999999999999999"),  # past what the key column holds
        _encoded("s=1&s=2"),
        _encoded("s=1&r=2"),
        _encoded("s=1&o=0"),
        _encoded("h=5&s=1"),  # the chain's head a cursor held before
        _encoded("s=x"),
        _encoded("i=9223372036854775807"),  # no such event
        _encoded("i=9223372036854775807&r=1"),
        _encoded("o=0&r=0&p=12"),  # DRF's cursor of the id the API paged by before
    ],
)
def test_a_cursor_that_is_not_one_of_ours_is_not_found(api, hr_admin, trail, cursor):
    response = api.as_user(hr_admin).get(reverse("audit-event-list"), {"cursor": cursor})

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Invalid cursor", "fields": {}}}


def test_a_forged_cursor_of_an_event_reads_below_it(api, hr_admin, trail):
    """A cursor names a place, not an authority: any place reads the trail below it, as the
    HR admin may read all of it."""
    event = AuditEvent.objects.get(target_id="chained-3")
    cursor = _encoded(f"s={event.seq}")

    page = _page(api.as_user(hr_admin), reverse("audit-event-list"), {**THINGS, "cursor": cursor})

    assert _ids(page) == ["chained-2", "chained-1"]


def _queries(client, url: str, query: dict | None = None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        page = _page(client, url, query)
    return len(captured), page


@pytest.mark.parametrize("filters", [{}, {"actor": "test", "action": "view"}])
def test_every_page_costs_the_same_queries(api, hr_admin, filters):
    """Whatever the page and its size, with unchained events on top of the first page."""
    for n in range(12):
        _view(f"chained-{n}")
    _chain()
    for n in range(3):
        _view(f"unchained-{n}")
    client = api.as_user(hr_admin)
    url = reverse("audit-event-list")
    counts = {}
    for page_size in (4, 5):
        _queries(client, url, {**THINGS, **filters, "page_size": page_size})  # the permission ids read once
        count, page = _queries(client, url, {**THINGS, **filters, "page_size": page_size})
        counts[page_size] = [count]
        for _ in range(10):
            if not page["next"]:
                break
            count, page = _queries(client, page["next"])
            counts[page_size].append(count)

    assert len(counts[4]) == 4 and len(counts[5]) == 3
    assert len({count for pages in counts.values() for count in pages}) == 1, counts


def test_a_page_that_starts_among_events_not_chained_reads_them_apart(api, hr_admin, trail):
    """More unchained events than a page: the next page looks its mark up by key, reads the rest
    of them apart, then the chain below: two queries more, whatever the page size."""
    client = api.as_user(hr_admin)
    _page(client, reverse("audit-event-list"), {**THINGS, "page_size": 3})  # the permission ids read once
    first_count, page = _queries(client, reverse("audit-event-list"), {**THINGS, "page_size": 3})
    among_count, page = _queries(client, page["next"])
    below_count, page = _queries(client, page["next"])

    assert among_count == first_count + 2
    assert below_count == first_count


def _reads(captured) -> list[str]:
    """The reads of events among captured queries (not the `list` event written)."""
    return [q["sql"] for q in captured if q["sql"].startswith("SELECT") and '"audit_auditevent"' in q["sql"]]


@pytest.mark.parametrize("filters", [{}, {"since": "2000-01-01T00:00:00Z"}])
@pytest.mark.parametrize("chained_between", [False, True])
def test_every_read_of_every_kind_of_page_is_limited(api, hr_admin, trail, filters, chained_between):
    """From the top, from a seq, from an unchained id (chained since or not), older and newer
    (up to the top): each read of events says how many rows it wants at most."""
    client = api.as_user(hr_admin)
    reads = []
    with CaptureQueriesContext(connection) as captured:
        page = _first(client, 2, **filters)
    reads += _reads(captured)
    pages = [page]
    for link in ("next", "previous"):
        while page[link]:
            if chained_between:
                _chain()
            with CaptureQueriesContext(connection) as captured:
                page = _page(client, page[link])
            reads += _reads(captured)
            pages.append(page)

    assert len(pages) == 9  # 9 events two a page, down, then back up
    assert reads
    assert all(" LIMIT " in sql for sql in reads), [sql for sql in reads if " LIMIT " not in sql]


@pytest.mark.parametrize(
    ("cursor", "found"),
    [
        ("s=1&r=1", True),  # newer than the oldest event: read up to the top
        ("s=9223372036854775807", True),  # older than a seq past any
        ("i={newest}", True),  # older than the newest unchained event
        ("i={oldest}&r=1", True),  # newer than the oldest event, by its id
        ("i={newest}&r=1", True),
        ("i=9223372036854775807", False),  # no such event
        ("i=9223372036854775807&r=1", False),
    ],
)
@pytest.mark.parametrize("filters", [THINGS, {**THINGS, "since": "2000-01-01T00:00:00Z"}])
def test_a_forged_cursor_reads_no_more_than_pages(api, hr_admin, cursor, found, filters):
    """Any HR admin can write a cursor: whatever place it names, a page reads at most a page and
    one more of events a read, never every event not chained since some point of the trail."""
    for n in range(20):
        _view(f"chained-{n}")
    _chain()
    for n in range(20):
        _view(f"unchained-{n}")
    ids = AuditEvent.objects.filter(**THINGS).values_list("pk", flat=True)
    cursor = _encoded(cursor.format(newest=max(ids), oldest=min(ids)))
    client = api.as_user(hr_admin)
    client.get(reverse("audit-event-list"), {**filters, "page_size": 2})  # the permission ids read once
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(count, sender=AuditEvent)
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("audit-event-list"), {**filters, "page_size": 2, "cursor": cursor})
    finally:
        post_init.disconnect(count, sender=AuditEvent)

    assert response.status_code == (200 if found else 404), response.content
    reads = _reads(captured)
    assert len(reads) <= 4 and all(" LIMIT " in sql for sql in reads), reads
    # three reads of 3 events at most (the lookup builds none), and the `list` event written
    assert len(built) <= 3 * 3 + 1, len(built)


def test_the_export_lists_the_unchained_events_of_a_time_range_on_top(client, hr_admin):
    with time_machine.travel(datetime(2027, 3, 1, 10, tzinfo=UTC), tick=False):
        _view("chained-1")
        _view("chained-2")
        _chain()
        _view("pending")
    client.force_login(hr_admin)

    response = client.get(
        reverse("audit-event-export"),
        {**THINGS, "since": "2027-03-01T00:00:00Z", "until": "2027-03-02T00:00:00Z"},
    )

    lines = b"".join(response.streaming_content).decode().splitlines()
    target_ids = [line.split(",")[COLUMNS.index("target_id")] for line in lines[1:]]
    assert target_ids == ["pending", "chained-2", "chained-1"]
    export = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert export.detail["rows"] == 3
