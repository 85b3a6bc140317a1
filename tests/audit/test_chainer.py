"""Appending without a global lock: writers insert their events unchained in their own
transaction, and the chainer links them after the commit (docs/architecture.md, "Audit trail").
These run on PostgreSQL with real concurrent connections, threads and killed processes."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import services
from audit.models import AuditAction, AuditChainHead, AuditEvent
from audit.services import audit_chain_pending, audit_record, audit_verify
from audit.tasks import audit_chain_pending as audit_chain_pending_task
from config.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Long enough for a loaded 2-core machine, far shorter than the transaction kept open against it.
QUICK = 10.0


def _append(target_id: str) -> AuditEvent:
    return audit_record(actor="test", action=AuditAction.VIEW, target_type="tests.thing", target_id=target_id)


def _in_thread(work) -> threading.Thread:
    """`work` on its own database connection, as another request would run."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _chain_of(target_ids) -> dict[str, int | None]:
    rows = AuditEvent.objects.filter(target_id__in=target_ids).values_list("target_id", "seq")
    return dict(rows)


def test_two_transactions_appending_at_once_do_not_wait_for_each_other():
    """A keeps its transaction open after appending; B appends and commits meanwhile. With a
    lock on the chain head held to the end of a writer's transaction, B would wait for A."""
    a_appended, a_may_commit = threading.Event(), threading.Event()

    def request_a():
        with transaction.atomic():
            _append("a")
            a_appended.set()
            a_may_commit.wait(timeout=60)

    a = _in_thread(request_a)
    assert a_appended.wait(QUICK)
    b = _in_thread(lambda: _append("b"))
    b.join(QUICK)
    b_finished = not b.is_alive()
    a_may_commit.set()
    a.join(QUICK)
    b.join(QUICK)

    assert b_finished, "B waited for A's transaction"
    # B's event was chained right after its own commit, A's right after A's.
    assert _chain_of(["a", "b"]) == {"b": 1, "a": 2}
    assert audit_verify() == (2, None)


def test_a_rolled_back_append_leaves_no_event_and_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        _append("rolled-back")
        raise RuntimeError("the change failed")
    _append("committed")

    assert _chain_of(["rolled-back", "committed"]) == {"committed": 1}
    assert audit_verify() == (1, None)


def test_events_wait_unchained_inside_their_transaction_and_are_chained_after_it_commits():
    with transaction.atomic():
        _append("first")
        _append("second")
        assert _chain_of(["first", "second"]) == {"first": None, "second": None}
    assert _chain_of(["first", "second"]) == {"first": 1, "second": 2}


def test_many_writers_at_once_give_one_chain_without_gaps():
    """Threads append in their own transactions, some of them rolled back; every committed event
    is chained exactly once, in 1..N, and the rolled-back ones are nowhere."""
    writers, rounds = 8, 12
    start = threading.Barrier(writers)

    def writer(number: int):
        start.wait(timeout=QUICK)
        for n in range(rounds):
            try:
                with transaction.atomic():
                    _append(f"w{number}-{n}")
                    if n % 3 == 2:
                        _append(f"w{number}-{n}-second")
                    if n % 4 == 3:
                        raise RuntimeError("rolled back")
            except RuntimeError:
                pass

    threads = [_in_thread(lambda number=number: writer(number)) for number in range(writers)]
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    audit_chain_pending(wait=True)

    committed = {
        f"w{w}-{n}{suffix}"
        for w in range(writers)
        for n in range(rounds)
        if n % 4 != 3
        for suffix in ("", "-second")
        if suffix == "" or n % 3 == 2
    }
    events = list(AuditEvent.objects.order_by("seq").values_list("target_id", "seq"))
    assert sorted(target_id for target_id, _ in events) == sorted(committed)
    assert [seq for _, seq in events] == list(range(1, len(committed) + 1))
    assert AuditChainHead.objects.get(pk=1).seq == len(committed)
    assert audit_verify() == (len(committed), None)


def test_a_writer_does_not_wait_while_another_holds_the_chain_head_and_the_backstop_links_it():
    """Someone holds the head's lock (a chainer stuck on a slow disk): the request still commits
    at once, its event waits unchained, and the periodic task links it once the lock is free."""
    holding, release = threading.Event(), threading.Event()
    AuditChainHead.objects.get_or_create(pk=1)  # as migrated (the test database was flushed)

    def hold_the_head():
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(pk=1)
            holding.set()
            release.wait(timeout=60)

    holder = _in_thread(hold_the_head)
    assert holding.wait(QUICK)
    started = time.monotonic()
    _append("while-locked")
    took = time.monotonic() - started
    release.set()
    holder.join(QUICK)

    assert took < QUICK
    assert _chain_of(["while-locked"]) == {"while-locked": None}
    assert audit_chain_pending_task() == 1
    assert _chain_of(["while-locked"]) == {"while-locked": 1}
    assert audit_verify() == (1, None)


def test_a_process_chains_after_a_commit_at_most_once_per_interval_and_the_backstop_links_the_rest(
    settings,
):
    """Production paces the chainer after commits: the first commit links at once, one right
    after it in the same process leaves its event pending (no transaction of its own), and the
    next run links it, here the beat backstop."""
    settings.HRSUITE_AUDIT_CHAIN_SECONDS = 60
    services._chained_after_commit_at[0] = float("-inf")
    _append("paced-first")
    with CaptureQueriesContext(connection) as second:
        _append("paced-second")

    assert _chain_of(["paced-first", "paced-second"]) == {"paced-first": 1, "paced-second": None}
    assert not [q for q in second if "audit_auditchainhead" in q["sql"]]  # no chaining transaction
    assert audit_chain_pending_task() == 1
    assert _chain_of(["paced-second"]) == {"paced-second": 2}
    assert audit_verify() == (2, None)


def test_the_backstop_runs_every_few_seconds():
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == "audit.tasks.audit_chain_pending"]
    assert entry["schedule"] <= 5.0


def test_an_event_left_unchained_past_the_grace_is_reported_by_the_check():
    """A row in the table without the application's seal (written by someone with database
    access but not the audit key) is never chained: the check reports it once it is overdue."""
    _append("sealed")
    planted = AuditEvent.objects.create(action=AuditAction.VIEW, target_id="planted")
    assert audit_verify() == (1, None)  # not overdue yet

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        checked, broken = audit_verify()

    assert checked == 1 and broken is not None
    assert broken.seq == 2 and f"event id {planted.pk} " in broken.reason and "never chained" in broken.reason
    assert _chain_of(["planted"]) == {"planted": None}


def test_a_planted_row_neither_gets_chained_nor_keeps_the_chainer_busy():
    AuditEvent.objects.create(action=AuditAction.VIEW, target_id="planted")
    _append("sealed")
    assert _chain_of(["planted", "sealed"]) == {"planted": None, "sealed": 1}

    with CaptureQueriesContext(connection) as queries:
        assert audit_chain_pending() == 0

    # Begin, lock the head, read what is pending, commit, look again after letting go: once, not
    # once per pass.
    assert len(queries) == 5, [q["sql"] for q in queries.captured_queries]


# A writer in its own process: it appends in a transaction and then pauses where the test asks,
# printing its database backend's pid, so the test can kill it there with SIGKILL.
_WRITER = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
from audit.models import AuditAction
from audit.services import audit_record

where = sys.argv[1]

def pause():
    print(connection.connection.info.backend_pid, flush=True)
    time.sleep(600)

def pause_before_the_chainer_commits(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql.startswith("UPDATE") and "audit_auditchainhead" in sql:
        pause()
    return result

def append():
    audit_record(actor="writer", action=AuditAction.VIEW, target_type="tests.thing", target_id=where)

if where == "in-its-transaction":
    with transaction.atomic():
        append()
        pause()
else:
    with connection.execute_wrapper(pause_before_the_chainer_commits), transaction.atomic():
        append()
        append()
"""


def _killed_writer(where: str) -> None:
    """Runs the writer until it pauses `where`, kills it, and waits until PostgreSQL has ended its
    session (and so rolled back its open transaction)."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", _WRITER, where], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        backend_pid = int(writer.stdout.readline())
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(QUICK)
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend_pid])
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"the killed writer's session {backend_pid} is still there")


def test_a_writer_killed_with_its_transaction_open_leaves_no_event():
    _append("before")

    _killed_writer("in-its-transaction")

    assert _chain_of(["before", "in-its-transaction"]) == {"before": 1}
    assert audit_verify() == (1, None)


def test_a_writer_killed_while_chaining_leaves_its_events_for_the_next_chainer():
    """Killed after its commit, with the chainer's transaction open: the events are committed,
    the links are not; the next chainer makes them."""
    _append("before")

    _killed_writer("while-chaining")

    pending = list(AuditEvent.objects.filter(target_id="while-chaining").values_list("seq", flat=True))
    assert pending == [None, None]
    assert AuditChainHead.objects.get(pk=1).seq == 1
    assert audit_chain_pending() == 2
    assert sorted(AuditEvent.objects.filter(target_id="while-chaining").values_list("seq", flat=True)) == [
        2,
        3,
    ]
    assert audit_verify() == (3, None)


def test_a_planted_row_is_logged_once_not_at_every_run(caplog):
    AuditEvent.objects.create(action=AuditAction.VIEW, target_id="planted")

    for n in range(3):
        _append(f"sealed-{n}")  # each append's commit runs the chainer

    refusals = [r for r in caplog.records if "not sealed by the application" in r.getMessage()]
    assert len(refusals) == 1
    assert _chain_of(["planted", "sealed-2"]) == {"planted": None, "sealed-2": 3}
