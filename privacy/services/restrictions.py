"""Restrictions of processing: while a candidate's restriction request stands, no AI assessment of
theirs is kept (the assessment service asks `ai_processing_restricted`) and a person assesses them.

The restriction is in force from the request's receipt: the candidate asked for no AI processing,
and the weeks HR has to answer are no time to go on with it. It is lifted when the request is
refused, unless another restriction request of theirs still stands.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from privacy.models import PrivacyRequest, ProcessingRestriction

# The reason an assessment is withheld for, in its audit event and the recruiters' message.
PROCESSING_RESTRICTED = "processing_restricted"
_STANDING = (PrivacyRequest.State.RECEIVED, PrivacyRequest.State.IN_PROGRESS, PrivacyRequest.State.DONE)


def ai_processing_restricted(candidate_id) -> str:
    """Why the candidate's interviews may not be assessed by AI: PROCESSING_RESTRICTED while a
    restriction of theirs is in force, else "". One query, by the candidate's key."""
    in_force = ProcessingRestriction.objects.filter(candidate_id=candidate_id, lifted_at__isnull=True)
    return PROCESSING_RESTRICTED if in_force.exists() else ""


def restriction_in_force(*, candidate_id) -> ProcessingRestriction | None:
    return ProcessingRestriction.objects.filter(candidate_id=candidate_id, lifted_at__isnull=True).first()


def restriction_put_in_force(*, request: PrivacyRequest, actor) -> ProcessingRestriction:
    """The candidate's restriction, in force from now on behalf of `request` (one that is in force
    already stays as it is). Inside the request's transaction."""
    now = timezone.now()
    restriction = (
        ProcessingRestriction.objects.select_for_update().filter(candidate_id=request.candidate_id).first()
    )
    if restriction is not None and restriction.lifted_at is None:
        return restriction
    if restriction is None:
        restriction = ProcessingRestriction(candidate_id=request.candidate_id, request=request, since=now)
        try:
            with transaction.atomic():
                restriction.save(force_insert=True)
        except IntegrityError:
            # Another request of theirs made the row meanwhile (a restriction request cannot be
            # open twice, but one may be done while another comes in): take it from there.
            return restriction_put_in_force(request=request, actor=actor)
        action = AuditAction.CREATE
    else:
        restriction.request, restriction.since, restriction.lifted_at = request, now, None
        restriction.save(update_fields=["request", "since", "lifted_at", "updated_at"])
        action = AuditAction.UPDATE
    audit_record(
        actor=actor,
        action=action,
        target=restriction,
        changed_fields=["request", "since", "lifted_at"],
        detail={"request": str(request.pk), "in_force": True},
    )
    return restriction


def restriction_lift_for(*, request: PrivacyRequest, actor) -> bool:
    """`request`, a restriction request, was refused: the restriction is lifted unless another
    restriction request of the candidate still stands (open, or done), which then holds it.
    Whether it was lifted. Inside the request's transaction."""
    restriction = (
        ProcessingRestriction.objects.select_for_update()
        .filter(candidate_id=request.candidate_id, lifted_at__isnull=True)
        .first()
    )
    if restriction is None:
        return False
    standing = (
        PrivacyRequest.objects.filter(
            candidate_id=request.candidate_id, kind=PrivacyRequest.Kind.RESTRICTION, state__in=_STANDING
        )
        .exclude(pk=request.pk)
        .order_by("received_at")
        .first()
    )
    if standing is not None:
        if restriction.request_id == request.pk:
            restriction.request = standing
            restriction.save(update_fields=["request", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                target=restriction,
                changed_fields=["request"],
                detail={"request": str(standing.pk), "in_force": True},
            )
        return False
    restriction.lifted_at = timezone.now()
    restriction.save(update_fields=["lifted_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=restriction,
        changed_fields=["lifted_at"],
        detail={"request": str(request.pk), "in_force": False},
    )
    return True
