"""A named recruiter's decision on an application, and the candidate's request for a re-review.

AI scores inform a decision but never make one (docs/architecture.md, "Decisions"): the decider
is a signed-in recruiter, never a system label, and a rejection always carries a reason. The stage
move goes through `candidates.services.applications.application_decision_move` with the same
named actor; a hire also drafts the offer and, by policy, starts the background check.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application, Position
from candidates.services.applications import EachApplied, application_decision_move, applications_each
from hrsuite.errors import Conflict, Forbidden, ValidationFailed
from hrsuite.permissions import get_for_change, has_role, require, restrict
from hrsuite.roles import Role
from hrsuite.workflow import transition
from onboarding.models import Decision
from onboarding.services.notices import OnboardingMessage

Outcome, Status = Decision.Outcome, Decision.Status

# A decision's own states: a rejection may be taken back to a human for a second look.
DECISION_TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.RECORDED, "request_review"): Status.REVIEW_REQUESTED,
}


def _require_named_recruiter(actor) -> None:
    if getattr(actor, "pk", None) is None:
        raise Forbidden(gettext("A decision is made by a named person; a system or an AI cannot decide."))
    if not has_role(actor, Role.RECRUITER):
        raise Forbidden(gettext("Only a recruiter records decisions."))
    require(actor, "add", Decision)


@transaction.atomic
def decision_record(
    *,
    application: Application,
    outcome: str,
    reason: str = "",
    actor,
    offer_terms: dict | None = None,
) -> Decision:
    """Record `outcome` (advance, hire, reject) on the application, move its stage, and for a
    hire draft the offer from `offer_terms` (salary, currency, start_date, location, expires_at)
    and start the background check when HRSUITE_BACKGROUND_CHECK_ON_HIRE says so."""
    from onboarding.services.checks import check_request
    from onboarding.services.offers import offer_draft_errors, offer_draft_from

    _require_named_recruiter(actor)
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [gettext("Choose one of %(choices)s.") % {"choices": Outcome.values}]
    reason = (reason or "").strip()
    if outcome == Outcome.REJECT and not reason:
        errors["reason"] = [gettext("A rejection always gives its reason.")]
    if outcome == Outcome.HIRE:
        errors |= offer_draft_errors(offer_terms or {})
    if errors:
        raise ValidationFailed.naming(gettext("Invalid decision: %(fields)s."), errors)
    application = get_for_change(
        Application.objects.select_related("candidate"), user=actor, pk=application.pk
    )
    from_stage = application.stage
    application_decision_move(application=application, outcome=outcome, reason=reason, actor=actor)
    decision = Decision(
        application=application,
        outcome=outcome,
        reason=reason,
        decided_by=actor,
        decided_at=application.stage_changed_at,
        from_stage=from_stage,
        to_stage=application.stage,
    )
    decision.save(force_insert=True)
    # Never the reason itself: the trail holds no values of encrypted fields.
    audit_record(
        actor=actor,
        action=AuditAction.DECISION,
        target=decision,
        changed_fields=["outcome", "reason"],
        detail={
            "outcome": outcome,
            "application": str(application.pk),
            "from": from_stage,
            "to": decision.to_stage,
        },
    )
    if outcome == Outcome.HIRE:
        offer = offer_draft_from(decision=decision, terms=offer_terms or {}, actor=actor)
        if settings.HRSUITE_BACKGROUND_CHECK_ON_HIRE:
            check_request(application=application, offer=offer, actor=actor)
    return decision


@transaction.atomic
def decision_review_request(*, decision: Decision, note: str = "", actor) -> Decision:
    """The candidate asks for a human to look at their rejection again: recorded, and the
    recruiters are told."""
    decision = get_for_change(
        Decision.objects.select_related("application"), user=actor, pk=decision.pk, action="request_review"
    )
    if decision.outcome != Outcome.REJECT:
        raise ValidationFailed(
            gettext("Only a rejection can be reviewed again."),
            fields={"decision": [gettext("Not a rejection.")]},
        )
    decision_transition(
        decision=decision,
        event="request_review",
        actor=actor,
        changes={"review_requested_at": timezone.now()},
    )
    decision.review_request_note = (note or "").strip()
    decision.save(update_fields=["review_request_note", "updated_at"])
    recruiters_notify(
        application=decision.application,
        template=OnboardingMessage.RE_REVIEW_REQUESTED,
        reason="decision_review_requested",
        extra={"decision": str(decision.pk)},
    )
    return decision


def decision_transition(*, decision: Decision, event: str, actor, changes: dict | None = None) -> Decision:
    """One event of DECISION_TRANSITIONS, compare-and-set, with its audit event. Call inside a transaction."""
    changes = dict(changes or {})
    current = transition(decision, table=DECISION_TRANSITIONS, event=event, changes=changes)
    audit_record(
        actor=actor,
        action=AuditAction.DECISION,
        target=decision,
        changed_fields=["status", *changes],
        detail={"event": event, "from": current, "to": decision.status},
    )
    return decision


def closed_position_reject_check(*, position: Position, reason: str) -> None:
    """Whether the open applications of `position` may be rejected together with `reason`: the
    position is closed (409, naming `position`), and the reason given (400, naming `reason`)."""
    status = Position.objects.filter(pk=position.pk).values_list("status", flat=True).first()
    if status != Position.Status.CLOSED:
        message = gettext("The position is not closed: its applications stay open.")
        raise Conflict(message, fields={"position": [message]}, code="position_not_closed")
    if not (reason or "").strip():
        message = gettext("Give the reason: each candidate's rejection is recorded with it.")
        raise ValidationFailed(message, fields={"reason": [message]})


def closed_position_reject(*, position: Position, application_ids, reason: str, actor) -> list[EachApplied]:
    """Reject these applications of a closed position with one reason, each on its own: its own
    transaction, decision and audit event, and the candidate's message queued after the position's
    delay (`decision_record`). One that cannot be rejected (already closed, an offer out) is
    refused and leaves the others as they are. Applications of other positions, or that `actor`
    may not see, are not looked at (docs/architecture.md, "Positions").

    Not one transaction: called outside one, each rejection commits by itself, and a failure
    after some of them undoes none (`applications_each`)."""
    _require_named_recruiter(actor)
    closed_position_reject_check(position=position, reason=reason)
    chosen = restrict(Application.objects.all(), user=actor).filter(
        position=position, pk__in=list(application_ids)
    )
    return applications_each(
        chosen.order_by("created_at", "id"),
        lambda application: decision_record(
            application=application, outcome=Outcome.REJECT, reason=reason, actor=actor
        ),
    )
