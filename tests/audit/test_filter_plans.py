"""Every filter of the trail, alone or with a time range, is read along an index in the
trail's order (seq), by the page and the API alike. Without one, PostgreSQL walks the trail from its
newest event until it has a page, or reads every match and sorts it (bench/README.md, "Audit
trail filters").

The plans are asked for with sequential scans and sorts priced out, as a table of millions makes
them: a plan that still sorts, or reads the trail through another index, has none in order."""

import random
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import chain
from audit.models import AuditAction, AuditEvent
from audit.selectors import audit_trail_for
from audit.services import audit_chain_pending, audit_record
from tests.factories import built_once

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"),
]

SINCE, UNTIL = "2027-03-01T00:00:00+08:00", "2027-03-08T00:00:00+08:00"
CANDIDATE = str(uuid.UUID(int=7))
# The events themselves, as opposed to the reads of the day indexes for the bounds (aliased).
EVENTS_READ = re.compile(r"(\w[\w ]*Scan[\w ]*) using (\w+) on audit_auditevent  \(")


@pytest.fixture(scope="module", autouse=True)
def trail(django_db_blocker):
    """3,000 events over two months, chained and analysed: many actors, requests and
    candidates, a few actions (one rare) and record types, so that the planner weighs the
    filters as on a real trail."""
    yield from built_once(django_db_blocker, _write_trail)


def _write_trail():
    rng = random.Random(3)
    start = datetime(2027, 2, 1, tzinfo=UTC)
    events = [
        AuditEvent(
            at=start + timedelta(minutes=30 * n),
            actor_label=f"user{rng.randrange(60)}",
            action="export" if n % 100 == 0 else rng.choice(["view", "view", "list", "update"]),
            target_type=rng.choice(["candidates.candidate", "interviews.interview"]),
            target_id=str(n),
            candidate_id=uuid.UUID(int=rng.randrange(500)),
            request_id=f"{rng.getrandbits(64):016x}",
        )
        for n in range(3000)
    ]
    for event in events:
        event.seal = chain.seal(event)
    AuditEvent.objects.bulk_create(events)
    while audit_chain_pending(wait=True):
        pass
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


def _events_read(plan: str) -> tuple[str, str]:
    """How the events are read, and through which index."""
    (read,) = EVENTS_READ.findall(plan)
    return read


def _sorts(plan: str) -> bool:
    """Whether the plan sorts rows (an incremental sort of those sharing one seq, by id, is not
    one: the seq is unique)."""
    return re.search(r"(?<!Incremental )Sort  \(", plan) is not None


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "audit_auditevent_seq_key"),
        ({"actor": "user7"}, "audit_actor_label"),
        ({"action": ["export"]}, "audit_action"),
        ({"candidate": CANDIDATE}, "audit_candidate"),
        ({"actor": "user7", "action": ["export"]}, ("audit_actor_label", "audit_action")),
        ({"action": ["export"], "target_type": "candidates.candidate"}, "audit_action"),
    ],
)
def test_the_page_reads_each_filter_along_an_index_in_seq_order(hr_admin, filters, index):
    trail = audit_trail_for(user=hr_admin, filters=filters)
    plan = _plan(trail.chain[:51])

    assert trail.pending is None
    assert _events_read(plan)[1] in (index if isinstance(index, tuple) else (index,)), plan
    assert not _sorts(plan), plan


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"since": SINCE, "until": UNTIL}, "audit_auditevent_seq_key"),
        ({"since": SINCE}, "audit_auditevent_seq_key"),
        ({"until": UNTIL}, "audit_auditevent_seq_key"),
        ({"actor": "user7", "since": SINCE, "until": UNTIL}, "audit_actor_label"),
        ({"action": ["export"], "since": SINCE}, "audit_action"),
        ({"candidate": CANDIDATE, "since": SINCE, "until": UNTIL}, "audit_candidate"),
    ],
)
def test_the_page_reads_a_time_range_between_the_seqs_its_days_hold(hr_admin, filters, index):
    """Not walked from the newest event to the range: the range's lowest and highest seq are
    read off the day index, and the events between them are read, by the same index as
    without the time filter."""
    plan = _plan(audit_trail_for(user=hr_admin, filters=filters).chain[:51])

    assert _events_read(plan)[1] == index, plan
    bounds = [bound for name, bound in (("since", "seq >= $"), ("until", "seq <= $")) if name in filters]
    read_between = plan.split(f"using {index} on audit_auditevent  (")[1].split("\n")[1]
    assert "Index Cond:" in read_between and all(bound in read_between for bound in bounds), plan
    assert "using audit_day_seq on audit_auditevent event" in plan, plan
    assert not _sorts(plan), plan


def test_the_pages_unchained_events_of_a_time_range_are_read_apart_and_alone(hr_admin):
    """Only the events not chained yet (seq NULL), a few, are read for the top of the page."""
    pending = audit_trail_for(user=hr_admin, filters={"since": SINCE, "until": UNTIL}).pending
    plan = _plan(pending[:51])

    assert _events_read(plan)[1] == "audit_unchained" or "Index Cond: (seq IS NULL)" in plan, plan


def _api_reads(client, filters: dict) -> list[str]:
    """The SQL of the events the API reads for its first page and the page after."""
    reads, url, query = [], reverse("audit-event-list"), {**filters, "page_size": 25}
    while url and len(reads) < 3:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200, response.content
        reads += [q["sql"] for q in captured if q["sql"].startswith('SELECT "audit_auditevent"."id"')]
        url, query = response.json()["next"], None
    return reads


def _explained(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "audit_auditevent_seq_key"),
        ({"actor": "user7"}, "audit_actor_label"),
        ({"actor": "nobody-such"}, "audit_actor_label"),
        ({"action": "export"}, "audit_action"),
        ({"candidate": CANDIDATE}, "audit_candidate"),
        ({"action": "export", "target_type": "candidates.candidate"}, "audit_action"),
        ({"actor": "user7", "since": SINCE, "until": UNTIL}, "audit_actor_label"),
        ({"since": SINCE, "until": UNTIL}, "audit_auditevent_seq_key"),
    ],
)
def test_the_api_reads_each_filter_along_the_pages_index(api, hr_admin, filters, index):
    """The API pages in the trail's order (audit.apis.TrailCursor), so its first page and the
    next are read like the page's: along the filter's index ending in (seq, id), a time range
    between the seqs its days hold, and its unchained events apart."""
    reads = _api_reads(api.as_user(hr_admin), filters)

    assert reads
    for sql in reads:
        plan = _explained(sql)
        if "IS NULL" in sql:  # a time range's events not chained yet, read apart
            assert _events_read(plan)[1] == "audit_unchained" or "(seq IS NULL)" in plan, plan
            continue
        assert _events_read(plan)[1] == index, plan
        assert not _sorts(plan), plan


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "audit_auditevent_seq_key"),
        ({"actor": "user7"}, "audit_actor_label"),
        ({"actor": "user7", "until": UNTIL}, "audit_actor_label"),
    ],
)
def test_every_api_read_from_any_mark_is_one_limited_read_along_an_index(api, hr_admin, filters, index):
    """Down from the top among unchained events (a mark by id, looked up by key), into the chain,
    and back up to the top: every statement reads along an index with a LIMIT, and none sorts
    the chain; the unchained events are read by id."""
    for n in range(7):
        audit_record(actor="user7", action=AuditAction.VIEW, target_type="tests.thing", target_id=str(n))
    client = api.as_user(hr_admin)
    page = client.get(reverse("audit-event-list"), {**filters, "page_size": 3}).json()
    reads = []
    for link in ("next", "previous"):
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                page = client.get(page[link]).json()
            reads += [q["sql"] for q in captured if q["sql"].startswith('SELECT "audit_auditevent".')]

    assert any('"id" < ' in sql for sql in reads) and any('"id" IN (' in sql for sql in reads), reads
    for sql in reads:
        plan = _explained(sql)
        assert plan.startswith("Limit"), plan
        if sql.startswith('SELECT "audit_auditevent"."seq"'):  # the mark, by key
            assert _events_read(plan)[1] == "audit_auditevent_pkey", plan
        elif '"seq" IS NULL' in sql:  # the unchained events
            assert _events_read(plan)[1] in ("audit_unchained", index), plan
        else:
            assert _events_read(plan)[1] == index, plan
            assert not _sorts(plan), plan


@pytest.mark.parametrize("until", [None, UNTIL])
def test_a_requests_events_are_found_by_its_id_and_sorted(hr_admin, until):
    """A request writes a few events: found through the request index, they are sorted, which
    a smaller index to write than one kept in the trail's order is worth."""
    filters = {"request_id": "0123456789abcdef", **({"until": until} if until else {})}
    events = audit_trail_for(user=hr_admin, filters=filters).chain
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = events[:51].explain()

    assert _events_read(plan)[1] == "audit_request", plan


def test_a_filter_on_several_actions_asks_for_no_distinct_rows(hr_admin):
    """DISTINCT over every column made PostgreSQL sort the page on all of them, in parallel
    workers whose start cost more than the page; one table has no duplicate rows to remove."""
    events = audit_trail_for(user=hr_admin, filters={"action": ["view", "list"]}).chain

    assert "DISTINCT" not in str(events.query)
