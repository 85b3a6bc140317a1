"""Writing the audit trail. Services and selectors call these; nothing else writes events."""

from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Max

from audit import chain, context
from audit.models import AuditAction, AuditChainHead, AuditEvent


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
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction, so a rolled-back change leaves
    no event behind; the chain head is locked until that transaction ends."""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if candidate_id is None:
            candidate_id = _candidate_of(target)
    event = _event(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_ids=[str(pk) for pk in target_ids],
        candidate_id=candidate_id,
        changed_fields=sorted(changed_fields),
        detail=detail or {},
    )
    return _append([event])[0]


def audit_list(*, actor, model: type[models.Model], ids: Iterable[object], detail=None) -> AuditEvent:
    """A list read is one event carrying the ids it returned."""
    return audit_lists(actor=actor, lists=[(model, ids, detail)])[0]


def audit_lists(
    *, actor, lists: Iterable[tuple[type[models.Model], Iterable[object], dict | None]]
) -> list[AuditEvent]:
    """The lists one page shows, as one `list` event each (model, ids, detail), appended in
    order under a single lock of the chain head."""
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


def _event(*, actor, **fields) -> AuditEvent:
    """An event not yet in the chain, with who did it and the request it came from."""
    request = context.current()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else str(actor or "anonymous"))[:150],
        request_id=request.request_id,
        ip=request.ip,
        user_agent=request.user_agent,
        **fields,
    )


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chains `events` in order after the head and saves them, moving the head past the last."""
    # No savepoint of its own: the events live and die with the caller's transaction.
    with transaction.atomic(savepoint=False):
        # The head row comes with the migrations; it is made again only after a flush emptied
        # the trail too (a head deleted on its own makes the next seq collide, so writes stop).
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, last_hash = head.seq, head.hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, last_hash
            event.hash = last_hash = chain.link(event.prev_hash, event)
        AuditEvent.objects.bulk_create(events)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=last_hash)
    return events


def audit_verify() -> tuple[int, chain.Break | None]:
    """Checks the chain up to its head. Events appended while it runs are left for the next run,
    so a busy trail never looks broken; an event past the head that was already there before the
    head was read cannot be a writer's (the head moves in the event's own transaction) and is
    reported."""
    last_seq = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    head = AuditChainHead.objects.get(pk=1)
    events = AuditEvent.objects.filter(seq__lte=head.seq).order_by("seq").iterator(chunk_size=2000)
    checked, broken = chain.verify(events, head_seq=head.seq, head_hash=head.hash)
    if broken is None and last_seq > head.seq:
        broken = chain.Break(head.seq + 1, f"event #{head.seq + 1} lies past the chain head #{head.seq}")
    return checked, broken


def _candidate_of(target: models.Model):
    """The candidate whose data an event touches, so HR can answer 'who saw this person's file'."""
    getter = getattr(target, "audit_candidate_id", None)
    return getter() if callable(getter) else None
