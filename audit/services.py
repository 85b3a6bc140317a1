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
    request = context.current()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    # No savepoint of its own: the event lives and dies with the caller's transaction.
    with transaction.atomic(savepoint=False):
        # The head row comes with the migrations; it is made again only after a flush emptied
        # the trail too (a head deleted on its own makes the next seq collide, so writes stop).
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            actor=actor if is_user else None,
            actor_label=(actor.get_username() if is_user else str(actor or "anonymous"))[:150],
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_ids=[str(pk) for pk in target_ids],
            candidate_id=candidate_id,
            changed_fields=sorted(changed_fields),
            detail=detail or {},
            request_id=request.request_id,
            ip=request.ip,
            user_agent=request.user_agent,
            prev_hash=head.hash,
        )
        event.hash = chain.link(event.prev_hash, event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def audit_list(*, actor, model: type[models.Model], ids: Iterable[object], detail=None) -> AuditEvent:
    """A list read is one event carrying the ids it returned."""
    return audit_record(
        actor=actor,
        action=AuditAction.LIST,
        target_type=model._meta.label_lower,
        target_ids=ids,
        detail=detail,
    )


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
