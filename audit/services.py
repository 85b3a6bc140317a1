"""Writing the audit trail. Services and selectors call these; nothing else writes events."""

import hmac
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from audit import chain, context
from audit.models import AppendOnlyError, AuditAction, AuditChainHead, AuditEvent, refuse_chained
from audit.personal import personal_sealed
from hrsuite import persons
from hrsuite.models import rows_read
from hrsuite.permissions import roles_of
from hrsuite.roles import Role

logger = logging.getLogger(__name__)

# Events linked per chainer transaction, and batches per run: the head is locked for one batch
# only, and a run that still finds work after that leaves it to the next run.
CHAIN_BATCH = 1000
CHAIN_PASSES = 10
# The beat backstop links pending events every few seconds; one still pending after this long
# means nothing is chaining, and `audit_verify` reports it.
UNCHAINED_GRACE = timedelta(seconds=60)


def audit_record(
    *,
    actor,
    action: AuditAction,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_ids: Iterable[object] = (),
    candidate_id=None,
    changed_fields: Iterable[str] = (),
    detail: dict | None = None,
    personal: dict | None = None,
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction, so a rolled-back change leaves
    no event behind; it is chained after that transaction commits.

    `detail` is for what is no one's personal data (ids, states, counts); what is the candidate's
    (a reason given in words, say) goes in `personal`, sealed under their key (`audit.personal`)."""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if candidate_id is None:
            candidate_id = persons.subject_of(target)
    event = _event(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_ids=[str(pk) for pk in target_ids],
        candidate_id=candidate_id,
        changed_fields=sorted(changed_fields),
        detail=detail or {},
        personal=personal or {},
    )
    return _append([event])[0]


def audit_list(*, actor, model: type[models.Model], ids: Iterable[object], detail=None) -> AuditEvent:
    """A list read is one event carrying the ids it returned."""
    return audit_lists(actor=actor, lists=[(model, ids, detail)])[0]


def audit_lists(
    *, actor, lists: Iterable[tuple[type[models.Model], Iterable[object], dict | None]]
) -> list[AuditEvent]:
    """The lists one page shows, as one `list` event each (model, ids, detail), inserted in one
    statement and so chained in that order."""
    events = [
        _event(
            actor=actor,
            action=AuditAction.LIST,
            target_type=model._meta.label_lower,
            target_ids=[str(pk) for pk in ids],
            detail=detail or {},
        )
        for model, ids, detail in lists
    ]
    return _append(events) if events else []


def _event(*, actor, personal: dict | None = None, **fields) -> AuditEvent:
    """An event not yet in the chain, with who did it and the request it came from."""
    request = context.current()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    personal, ip, user_agent = dict(personal or {}), request.ip, request.user_agent
    if (ip or user_agent) and (
        person := _candidate_acting(actor, is_user=is_user, fields=fields)
    ) is not None:
        # A candidate acting themselves: where from and with what is their personal data.
        personal.update(ip=ip, user_agent=user_agent)
        ip, user_agent = None, ""
        fields["candidate_id"] = person
    sealed = ""
    if personal:
        if not fields.get("candidate_id"):
            raise ValueError("An audit event's personal values need the candidate they belong to.")
        sealed = personal_sealed(personal, candidate_id=fields["candidate_id"])
    return AuditEvent(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else str(actor or "anonymous"))[:150],
        request_id=request.request_id,
        ip=ip,
        user_agent=user_agent,
        personal=sealed,
        **fields,
    )


def _candidate_acting(actor, *, is_user: bool, fields: dict):
    """The candidate `actor` is, signed in to the portal or through a link of theirs; else None."""
    if not is_user:
        return getattr(actor, "candidate_id", None)  # a LinkActor
    if Role.CANDIDATE.value not in roles_of(actor):
        return None
    # A candidate acts on nothing but their own records: an event about one names them already.
    # Otherwise (a list, a sign-in) their record is read once per user object.
    if fields.get("candidate_id"):
        return fields["candidate_id"]
    candidate = getattr(actor, "candidate", None)
    return candidate.pk if candidate is not None else None


# The events appended while `audit_together()` is open, not inserted yet (None: it is not open).
_held: ContextVar[list[AuditEvent] | None] = ContextVar("audit_held", default=None)


@contextmanager
def audit_together() -> Iterator[None]:
    """The events appended inside go into the trail in one statement as it closes, in the order
    they were appended, as `audit_lists` inserts a page's lists: a page that records each record
    it reads pays for one insert, not one each. For reads within a request's transaction: inside,
    an event has no id yet, and an error drops the events held, as the request's transaction,
    rolled back with it, would drop them once inserted."""
    if _held.get() is not None:
        yield
        return
    token = _held.set([])
    try:
        yield
        held = _held.get()
    finally:
        _held.reset(token)
    if held:
        _append(held)


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Saves `events` unchained and sealed, in the caller's transaction, and links them into the
    chain once that transaction has committed. No lock is shared with other writers here."""
    held = _held.get()
    if held is not None:
        held.extend(events)
        return events
    for event in events:
        event.seal = chain.seal(event)
    # No savepoint of its own: the events live and die with the caller's transaction.
    with transaction.atomic(savepoint=False):
        _insert(events)
        _appended.since_chained = getattr(_appended, "since_chained", 0) + len(events)
        # Robust: the change and its events are committed by then; a chainer that fails leaves
        # them for the next one rather than failing a request that succeeded.
        transaction.on_commit(_chain_after_commit, robust=True)
    return events


def _insert(events: list[AuditEvent]) -> None:
    """Inserts `events` as `bulk_create` would (each column's value prepared by its field, the
    new ids read back), in one written-out statement: every audited request appends, and
    building the insert through the ORM cost it more than the rest of its event."""
    if not connection.features.can_return_rows_from_bulk_insert:
        AuditEvent.objects.bulk_create(events)
        return
    refuse_chained(events)
    meta = AuditEvent._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    qn = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(field.column) for field in fields)})"  # noqa: S608
        f" VALUES {', '.join([row] * len(events))} RETURNING {qn(meta.pk.column)}"
    )
    values = [
        field.get_db_prep_save(field.pre_save(event, True), connection)
        for event in events
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        ids = cursor.fetchall()
    for event, (pk,) in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias


# When this process last ran the chainer after a commit (time.monotonic()).
_chained_after_commit_at = [float("-inf")]
# How many events this thread has appended since it last started the chainer after a commit.
_appended = threading.local()


def _chain_after_commit() -> None:
    """The chainer after a commit, at most once per HRSUITE_AUDIT_CHAIN_SECONDS in a process: a
    run costs a short transaction of its own, and under load one run links the events of many
    requests instead of each request paying for one. What a skipped run leaves pending is linked
    by this process's next run or by the beat backstop, within seconds (docs/architecture.md,
    "Audit trail").

    A transaction that appended several times (a page recording each record it shows) calls this
    once per append, one after the other once it has committed. The first run links them all
    (it runs until nothing is pending), so the others find that this thread appended nothing
    since and return without a run (five queries each) that would find nothing to link."""
    if not getattr(_appended, "since_chained", 0):
        return
    now = time.monotonic()
    if now - _chained_after_commit_at[0] < settings.HRSUITE_AUDIT_CHAIN_SECONDS:
        return
    _chained_after_commit_at[0] = now
    appended, _appended.since_chained = _appended.since_chained, 0
    try:
        audit_chain_pending()
    except Exception:
        # Left pending: the next call after a commit tries again.
        _appended.since_chained += appended
        raise


def audit_chain_pending(*, wait: bool = False) -> int:
    """Links the committed events not chained yet after the chain head, oldest first, a batch per
    short transaction; returns how many it linked.

    Unless `wait`, it never waits for another chainer: when the head is locked it returns, and
    the holder looks for pending events again after letting go, so events committed meanwhile
    are not left behind (docs/architecture.md, "Audit trail"). The beat backstop and
    `audit_verify` wait for the lock and so link whatever a crashed process left."""
    linked, unsealed = 0, set()
    for _ in range(CHAIN_PASSES):
        batch = _chain_batch(wait=wait, unsealed=unsealed)
        if batch is None:
            break
        linked += batch
        if not _any_pending(unsealed):
            break
    return linked


# The chainer runs after every audited request's commit (or once a second under load): its fixed
# statements are written out rather than built by the ORM, which cost a run more than its linking.
def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _unchained(unsealed: set[int]) -> str:
    """The condition of the committed events still unchained, besides the `unsealed` ones (whose
    ids are its first parameters)."""
    if not unsealed:
        return "seq IS NULL"
    return f"seq IS NULL AND id NOT IN ({', '.join(['%s'] * len(unsealed))})"


def _any_pending(unsealed: set[int]) -> bool:
    """Whether any committed event is still unchained, besides the `unsealed` ones."""
    sql = f"SELECT 1 FROM {_table(AuditEvent)} WHERE {_unchained(unsealed)} LIMIT 1"  # noqa: S608 - the model's table
    with connection.cursor() as cursor:
        cursor.execute(sql, list(unsealed))
        return cursor.fetchone() is not None


def _pending(unsealed: set[int]) -> list[AuditEvent]:
    """The oldest batch of committed events still unchained, besides the `unsealed` ones."""
    return rows_read(AuditEvent, f"{_unchained(unsealed)} ORDER BY id LIMIT %s", [*unsealed, CHAIN_BATCH])


def _chain_batch(*, wait: bool, unsealed: set[int]) -> int | None:
    """One batch under the head's lock; None when another chainer holds it. Adds the ids of the
    pending rows it refused to `unsealed`."""
    with transaction.atomic():
        head = _locked_head(wait=wait)
        if head is None:
            return None
        events = []
        for event in _pending(unsealed):
            if _sealed(event):
                events.append(event)
            else:
                unsealed.add(event.pk)
        seq, last_hash = head
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, last_hash
            event.hash = last_hash = chain.link(event.prev_hash, event)
        if events:
            _store_links(events)
            moved = f"UPDATE {_table(AuditChainHead)} SET seq = %s, hash = %s WHERE id = 1"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(moved, [seq, last_hash])
    return len(events)


def _locked_head(*, wait: bool) -> tuple[int, str] | None:
    """The head's (seq, hash), locked until the transaction ends; None while another chainer
    holds it, unless `wait`."""
    sql = f"SELECT seq, hash FROM {_table(AuditChainHead)} WHERE id = 1"  # noqa: S608 - the model's table
    if connection.features.has_select_for_update:
        sql += " " + connection.ops.for_update_sql(skip_locked=not wait)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        head = cursor.fetchone()
    if head is None and not AuditChainHead.objects.filter(pk=1).exists():
        # The head row comes with the migrations; it is made again only after a flush emptied
        # the trail too (a head deleted on its own makes the next seq collide, so chaining stops).
        made, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        head = (made.seq, made.hash)
    return head


# The rows without the application's seal this process has logged, as (id, seal): each is read
# again by every chainer run after every audited request, and logged once. Not the id alone: on
# SQLite an id comes back after the newest row is deleted, and that new row must still be chained.
_unsealed_logged: set[tuple[int, str | None]] = set()


def _sealed(event: AuditEvent) -> bool:
    """An unchained row whose seal does not match was not written by `_append` (the audit key is
    outside the database): it is never chained, and `audit_verify` reports it."""
    if hmac.compare_digest(event.seal or "", chain.seal(event)):
        return True
    if (event.pk, event.seal) not in _unsealed_logged:
        _unsealed_logged.add((event.pk, event.seal))
        logger.error("Audit event id %s is not sealed by the application: left unchained.", event.pk)
    return False


def _store_links(events: list[AuditEvent]) -> None:
    """Sets the chain fields of unchained events: the one update of an event there is (the
    queryset refuses updates; on PostgreSQL a trigger allows exactly this one)."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",  # noqa: S608
            [(event.seq, event.prev_hash, event.hash, event.pk) for event in events],
        )
        if cursor.rowcount != len(events):
            raise AppendOnlyError("An audit event was chained by someone else while the head was locked.")


def audit_verify() -> tuple[int, chain.Break | None]:
    """Links what is pending, then checks the chain up to its head. Events appended while it
    runs are left for the next run, so a busy trail never looks broken; an event past the head
    that was already there before the head was read cannot be a chainer's (the head moves in the
    chainer's own transaction) and is reported. So is an event older than UNCHAINED_GRACE that
    was committed before the chainer ran here and is still not linked after it."""
    overdue = list(
        AuditEvent.objects.filter(seq__isnull=True, at__lt=timezone.now() - UNCHAINED_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:CHAIN_BATCH]
    )
    audit_chain_pending(wait=True)
    last_seq = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    head = AuditChainHead.objects.get(pk=1)
    events = AuditEvent.objects.filter(seq__lte=head.seq).order_by("seq").iterator(chunk_size=2000)
    checked, broken = chain.verify(events, head_seq=head.seq, head_hash=head.hash)
    if broken is None and last_seq > head.seq:
        broken = chain.Break(head.seq + 1, f"event #{head.seq + 1} lies past the chain head #{head.seq}")
    if broken is None:
        never = AuditEvent.objects.filter(id__in=overdue, seq__isnull=True).order_by("id").first()
        if never is not None:
            broken = chain.Break(
                head.seq + 1, f"event id {never.pk} of {never.at.isoformat()} was never chained"
            )
    return checked, broken
