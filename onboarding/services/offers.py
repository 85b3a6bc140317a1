"""Offers: the draft a hire decision makes, its optional approval chain, sending, the candidate's
answer, expiry and cancellation.

OFFER_TRANSITIONS is the one table of the offer's states (docs/architecture.md, "Workflow
transitions"); every change goes through `offer_transition` with a compare-and-set update and an
audit event. Approvers decide in order;
the last approval approves the offer, any rejection returns it to draft.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, ngettext

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from candidates.services.applications import application_offer_move
from hrsuite.errors import Forbidden, InvalidTransition, ValidationFailed
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.roles import Role
from hrsuite.workflow import transition
from onboarding.models import Decision, Offer, OfferApproval, OnboardingPlan
from onboarding.services import notices, plans

OfferStatus = Offer.Status
OPEN_STATES = Offer.OPEN_STATES

OFFER_TRANSITIONS: dict[tuple[str, str], str] = {
    # With an approval chain; without one the recruiter approves the draft directly.
    (OfferStatus.DRAFT, "submit"): OfferStatus.PENDING_APPROVAL,
    (OfferStatus.DRAFT, "approve"): OfferStatus.APPROVED,
    (OfferStatus.PENDING_APPROVAL, "approve"): OfferStatus.APPROVED,
    (OfferStatus.PENDING_APPROVAL, "reject"): OfferStatus.DRAFT,
    (OfferStatus.APPROVED, "send"): OfferStatus.SENT,
    (OfferStatus.SENT, "accept"): OfferStatus.ACCEPTED,
    (OfferStatus.SENT, "decline"): OfferStatus.DECLINED,
    (OfferStatus.SENT, "expire"): OfferStatus.EXPIRED,
    **{(state, "cancel"): OfferStatus.CANCELLED for state in OPEN_STATES},
    # Withdrawn after acceptance: always with its onboarding plan (`plans.plan_cancel`).
    (OfferStatus.ACCEPTED, "cancel"): OfferStatus.CANCELLED,
}
OFFER_EVENTS = sorted({event for _, event in OFFER_TRANSITIONS})
TERMS = ("salary", "currency", "start_date", "location", "expires_at")
LOCATION_LENGTH_MAX = 200


def offer_draft_errors(terms: dict) -> dict[str, list[str]]:
    """Why `terms` cannot make an offer draft, per field; empty when they can."""
    errors: dict[str, list[str]] = {}
    for name in TERMS:
        if terms.get(name) in (None, ""):
            errors[f"offer.{name}"] = [gettext("Required for a hire.")]
    if "offer.salary" not in errors:
        try:
            salary = Decimal(str(terms["salary"]))
        except (InvalidOperation, ValueError):
            salary = None
        if salary is None or not salary.is_finite() or salary <= 0:
            errors["offer.salary"] = [gettext("A positive amount.")]
    if "offer.location" not in errors and len(str(terms["location"])) > LOCATION_LENGTH_MAX:
        # Encrypted, so its column would hold any length.
        errors["offer.location"] = [
            ngettext("At most %(count)d character.", "At most %(count)d characters.", LOCATION_LENGTH_MAX)
            % {"count": LOCATION_LENGTH_MAX}
        ]
    if "offer.currency" not in errors:
        currency = str(terms["currency"])
        if len(currency) != 3 or not currency.isalpha():
            errors["offer.currency"] = [gettext("An ISO 4217 code such as CNY or EUR.")]
    if "offer.start_date" not in errors:
        start_date = _date(terms["start_date"])
        if start_date is None:
            errors["offer.start_date"] = [gettext("A date (YYYY-MM-DD).")]
        elif start_date < timezone.localdate():
            # The onboarding plan counts its tasks' due dates back from it: year 1 has no days before.
            errors["offer.start_date"] = [gettext("Today or later.")]
    if "offer.expires_at" not in errors:
        expires_at = _moment(terms["expires_at"])
        if expires_at is None:
            errors["offer.expires_at"] = [gettext("An ISO 8601 time with its zone.")]
        elif expires_at <= timezone.now():
            errors["offer.expires_at"] = [gettext("Must be in the future.")]
    return errors


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        return None


def _moment(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value))
        except ValueError:
            return None
    return moment if moment is not None and moment.tzinfo is not None else None


def offer_draft_from(*, decision: Decision, terms: dict, actor) -> Offer:
    """The draft a hire decision makes (called by `decision_record`, inside its transaction)."""
    require(actor, "add", Offer)
    application = decision.application
    offer = Offer(
        application=application,
        decision=decision,
        position_id=application.position_id,
        salary=str(Decimal(str(terms["salary"]))),
        currency=str(terms["currency"]).upper(),
        start_date=_date(terms["start_date"]),
        location=str(terms["location"]),
        expires_at=_moment(terms["expires_at"]),
    )
    offer.save(force_insert=True)
    # Salary is named, never its value.
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=offer,
        changed_fields=["salary", "currency", "start_date", "location", "expires_at", "status"],
        detail={"decision": str(decision.pk)},
    )
    return offer


def offer_transition(*, offer: Offer, event: str, actor, changes: dict | None = None, detail=None) -> Offer:
    """Apply one event of OFFER_TRANSITIONS with a compare-and-set update, plus the audit event.
    Call inside a transaction; raises InvalidTransition when the table or a concurrent writer says no."""
    changes = dict(changes or {})
    current = transition(offer, table=OFFER_TRANSITIONS, event=event, changes=changes)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=offer,
        candidate_id=offer.application.candidate_id,
        changed_fields=["status", *changes],
        detail={"event": event, "from": current, "to": offer.status, **(detail or {})},
    )
    return offer


def _locked(offer: Offer, actor, action: str = "change") -> Offer:
    return get_for_change(Offer.objects.select_related("application"), user=actor, pk=offer.pk, action=action)


@transaction.atomic
def offer_submit(*, offer: Offer, approvers: list[User], actor) -> Offer:
    """Send the draft round the approval chain (in the order given); with no approvers the
    recruiter's submission approves it."""
    offer = _locked(offer, actor)
    if not approvers:
        return offer_transition(offer=offer, event="approve", actor=actor, detail={"chain": 0})
    if len({a.pk for a in approvers}) != len(approvers):
        raise ValidationFailed(
            gettext("Name each approver once."), fields={"approvers": [gettext("Repeated approver.")]}
        )
    for approver in approvers:
        if not (approver.is_active and has_role(approver, Role.RECRUITER)):
            message = gettext("%(name)s cannot approve offers.") % {"name": approver.get_username()}
            raise ValidationFailed(message, fields={"approvers": [message]})
    round_ = offer.approval_round + 1
    offer_transition(
        offer=offer,
        event="submit",
        actor=actor,
        changes={"approval_round": round_},
        detail={"chain": len(approvers), "round": round_},
    )
    for order, approver in enumerate(approvers, start=1):
        OfferApproval(offer=offer, round=round_, order=order, approver=approver).save(force_insert=True)
    return offer


def _next_step(offer: Offer) -> OfferApproval | None:
    return (
        OfferApproval.objects.select_for_update()
        .filter(offer=offer, round=offer.approval_round, status=OfferApproval.Status.PENDING)
        .order_by("order")
        .first()
    )


@transaction.atomic
def offer_approval_decide(*, offer: Offer, approve: bool, note: str = "", actor) -> Offer:
    """The next approver in the chain approves or rejects; only they may, and only in turn."""
    offer = _locked(offer, actor)
    event = "approve" if approve else "reject"
    if offer.status != OfferStatus.PENDING_APPROVAL:
        raise InvalidTransition(entity=Offer._meta.verbose_name, state=offer.status, event=event)
    step = _next_step(offer)
    if step is None or step.approver_id != actor.pk:
        raise Forbidden(gettext("It is not your turn to approve this offer."))
    now = timezone.now()
    step.status = OfferApproval.Status.APPROVED if approve else OfferApproval.Status.REJECTED
    step.note, step.decided_at = (note or "").strip(), now
    step.save(update_fields=["status", "note", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.DECISION,
        target=step,
        changed_fields=["status", "note"],
        detail={"offer": str(offer.pk), "round": step.round, "order": step.order, "event": event},
    )
    if not approve:
        OfferApproval.objects.filter(
            offer=offer, round=offer.approval_round, status=OfferApproval.Status.PENDING
        ).update(status=OfferApproval.Status.VOID, updated_at=now)
        return offer_transition(offer=offer, event="reject", actor=actor, detail={"order": step.order})
    if _next_step(offer) is None:
        return offer_transition(offer=offer, event="approve", actor=actor, detail={"order": step.order})
    return offer


@transaction.atomic
def offer_send(*, offer: Offer, actor) -> Offer:
    """The approved offer appears in the candidate's portal, to answer before `expires_at`."""
    offer = _locked(offer, actor)
    if offer.expires_at <= timezone.now():
        raise ValidationFailed(
            gettext("The answer-by time has passed; cancel this offer and decide again."),
            fields={"expires_at": [gettext("In the past.")]},
        )
    offer_transition(offer=offer, event="send", actor=actor, changes={"sent_at": timezone.now()})
    notices.offer_sent_notify(offer=offer)
    return offer


# Why an offer can no longer be answered, by the state the candidate sees: the code the API answers
# and the offer page picks its message by.
ANSWER_CLOSED = {
    OfferStatus.EXPIRED: "offer_expired",
    OfferStatus.ACCEPTED: "offer_answered",
    OfferStatus.DECLINED: "offer_answered",
    OfferStatus.CANCELLED: "offer_withdrawn",
}


def offer_state_for_candidate(offer: Offer, *, now: datetime.datetime | None = None) -> str:
    """The state the candidate sees: a sent offer past its answer-by time has expired, even if
    the periodic task has not marked it yet."""
    if offer.status == OfferStatus.SENT and offer.expires_at <= (now or timezone.now()):
        return OfferStatus.EXPIRED
    return offer.status


@transaction.atomic
def offer_answer(*, offer: Offer, accept: bool, actor) -> Offer:
    """The candidate accepts or declines their own sent offer, before it expires; once it cannot be
    answered, InvalidTransition with a code of ANSWER_CLOSED (409) and nothing changes."""
    offer = _locked(offer, actor, action="answer")
    event = "accept" if accept else "decline"
    now = timezone.now()
    state = offer_state_for_candidate(offer, now=now)
    if state != OfferStatus.SENT:
        raise InvalidTransition(
            entity=Offer._meta.verbose_name, state=state, event=event, code=ANSWER_CLOSED.get(state)
        )
    offer_transition(offer=offer, event=event, actor=actor, changes={"answered_at": now})
    if accept:
        # The application becomes a hire with its onboarding plan (and, by setting, provisioning).
        plans.plan_create_for(offer=offer, actor=actor)
    else:
        # The candidate's own answer is the offer's audit event; the stage follows as the system's.
        application_offer_move(
            application=offer.application, event="offer_declined", actor=plans.SYSTEM_ACTOR
        )
    return offer


@transaction.atomic
def offer_cancel(*, offer: Offer, reason: str = "", actor) -> Offer:
    """Withdraw the offer. An accepted one is withdrawn with its onboarding plan, by
    `plans.plan_cancel` (tasks, reminders, provisioning, and the candidate told once)."""
    offer = _locked(offer, actor)
    if offer.status == OfferStatus.ACCEPTED:
        plan = OnboardingPlan.objects.filter(offer=offer).first()
        if plan is not None and plan.status != OnboardingPlan.Status.CANCELLED:
            plans.plan_cancel(plan=plan, reason=OnboardingPlan.CancelReason.OFFER_WITHDRAWN, actor=actor)
            offer.refresh_from_db()
            return offer
    accepted = offer.status == OfferStatus.ACCEPTED
    offer_transition(offer=offer, event="cancel", actor=actor, detail={"reason_given": bool(reason)})
    # A candidate who was sent the offer is told; a withdrawn draft they never saw is not announced,
    # nor an accepted offer whose plan was cancelled already (they were told then).
    if not accepted:
        notices.offer_cancelled_notify(offer=offer)
    return offer


EXPIRY_ACTOR = "system:offer-expiry"
ANSWER_ACTOR = "system:offer-answer"


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Mark sent offers past their answer-by time expired (the periodic task); safe to run twice."""
    now = now or timezone.now()
    expired = 0
    due = Offer.objects.filter(status=OfferStatus.SENT, expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            offer = (
                Offer.objects.select_for_update(of=("self",))
                .select_related("application")
                .filter(pk=pk)
                .first()
            )
            if offer is None or offer.status != OfferStatus.SENT or offer.expires_at > now:
                continue
            offer_transition(offer=offer, event="expire", actor=EXPIRY_ACTOR)
            application_offer_move(application=offer.application, event="offer_expired", actor=EXPIRY_ACTOR)
            expired += 1
    return expired
