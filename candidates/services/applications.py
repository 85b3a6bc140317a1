"""Every write to applications: applying, and the stage moves with what closing one sets off."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import (
    CLOSED_STAGES,
    Application,
    Candidate,
    Position,
    Stage,
    StageChange,
)
from hrsuite.errors import ApplicationError, Conflict, ValidationFailed
from hrsuite.permissions import get_for_change, require
from hrsuite.workflow import transition


def _status_held(position: Position) -> str:
    """The position's status now, held until this transaction ends: on PostgreSQL its row is
    share-locked, so closing it (which locks it for update) waits for this application, and an
    application never lands after the position closed. SQLite has one writer at a time."""
    if connection.vendor != "postgresql":
        return Position.objects.filter(pk=position.pk).values_list("status", flat=True).get()
    table = connection.ops.quote_name(Position._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {table} WHERE id = %s FOR SHARE", [position.pk])  # noqa: S608
        (status,) = cursor.fetchone()
    return status


# Why a position that is not open takes no application.
_NOT_OPEN = {
    Position.Status.ON_HOLD: gettext_lazy(
        "The position is on hold: it takes no new applications until it is open."
    ),
    Position.Status.CLOSED: gettext_lazy("The position is closed: it takes no new applications."),
}


@transaction.atomic
def application_create(*, candidate: Candidate, position: Position, actor) -> Application:
    """A candidate applies for an open position; one on hold or closed refuses (409, naming
    `position`)."""
    require(actor, "add", Application)
    status = _status_held(position)
    if status != Position.Status.OPEN:
        message = str(_NOT_OPEN.get(status, gettext_lazy("The position is not open.")))
        raise Conflict(message, fields={"position": [message]}, code="position_not_open")
    now = timezone.now()
    application = Application(
        candidate=candidate, position=position, stage=Stage.APPLIED, stage_changed_at=now
    )
    try:
        with transaction.atomic():
            application.save(force_insert=True)
    except IntegrityError as exc:
        message = gettext("The candidate has applied for this position already.")
        raise ValidationFailed(message, fields={"position": [message]}) from exc
    # A system actor (the careers page's "system:careers") is named in the audit event.
    StageChange(
        application=application,
        from_stage="",
        to_stage=Stage.APPLIED,
        at=now,
        actor=actor if isinstance(actor, User) else None,
    ).save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=application, changed_fields=["stage"])
    return application


# What the apps above this one do when an application closes (interviews cancels what is still
# scheduled for it), registered when they start (docs/architecture.md, "Layers").
_close_handlers: list[Callable[..., None]] = []


def application_close_handler(handler: Callable[..., None]) -> Callable[..., None]:
    """Register `handler(application=, actor=)`, run inside the transaction of every move into a
    closed stage."""
    if handler not in _close_handlers:
        _close_handlers.append(handler)
    return handler


# Stage moves a recruiter may make; the decision stages (hired, rejected) are added by the decision
# service, which records the named decider.
STAGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (Stage.APPLIED, "screen"): Stage.SCREENING,
    (Stage.APPLIED, "interview"): Stage.INTERVIEWING,
    (Stage.SCREENING, "interview"): Stage.INTERVIEWING,
    (Stage.INTERVIEWING, "await_decision"): Stage.DECISION,
    (Stage.APPLIED, "withdraw"): Stage.WITHDRAWN,
    (Stage.SCREENING, "withdraw"): Stage.WITHDRAWN,
    (Stage.INTERVIEWING, "withdraw"): Stage.WITHDRAWN,
    (Stage.DECISION, "withdraw"): Stage.WITHDRAWN,
}
STAGE_EVENTS = sorted({event for _, event in STAGE_TRANSITIONS})

# Stage moves that only a recorded decision makes (`onboarding.services.decisions`), keyed by its
# outcome. Kept apart from STAGE_TRANSITIONS so the plain `move` cannot hire or reject: those
# always come with a named decider and, for a rejection, a reason.
DECISION_STAGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (Stage.APPLIED, "advance"): Stage.SCREENING,
    (Stage.SCREENING, "advance"): Stage.INTERVIEWING,
    (Stage.INTERVIEWING, "advance"): Stage.DECISION,
    (Stage.DECISION, "hire"): Stage.OFFER,
    (Stage.APPLIED, "reject"): Stage.REJECTED,
    (Stage.SCREENING, "reject"): Stage.REJECTED,
    (Stage.INTERVIEWING, "reject"): Stage.REJECTED,
    (Stage.DECISION, "reject"): Stage.REJECTED,
}
# The candidate's answer to their offer (`onboarding.services`): accepting makes the hire, declining
# or letting it expire withdraws the application. The decision behind the offer already has its
# named decider, so the move itself may be the system's. A cancelled offer leaves the stage for a
# person to decide on. A hire whose onboarding a recruiter cancels (they withdrew, or the offer was
# withdrawn after acceptance) is no longer hired.
OFFER_STAGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (Stage.OFFER, "offer_accepted"): Stage.HIRED,
    (Stage.OFFER, "offer_declined"): Stage.WITHDRAWN,
    (Stage.OFFER, "offer_expired"): Stage.WITHDRAWN,
    (Stage.HIRED, "onboarding_cancelled"): Stage.WITHDRAWN,
}


@transaction.atomic
def application_move(*, application: Application, event: str, reason: str = "", actor) -> Application:
    return _application_apply(
        application=application, event=event, reason=reason, actor=actor, table=STAGE_TRANSITIONS
    )


@transaction.atomic
def application_decision_move(*, application: Application, outcome: str, reason: str, actor) -> Application:
    """The stage move of a decision; only the decision service calls this, with its named decider."""
    return _application_apply(
        application=application, event=outcome, reason=reason, actor=actor, table=DECISION_STAGE_TRANSITIONS
    )


@transaction.atomic
def application_offer_move(*, application: Application, event: str, actor, reason: str = "") -> Application:
    """The stage move of the candidate's answer to their offer, or of a cancelled onboarding; only the
    onboarding services call it."""
    return _application_apply(
        application=application, event=event, reason=reason, actor=actor, table=OFFER_STAGE_TRANSITIONS
    )


def _application_apply(
    *, application: Application, event: str, reason: str, actor, table: dict[tuple[str, str], str]
) -> Application:
    get_for_change(Application.objects, user=actor, pk=application.pk)
    now = timezone.now()
    current = transition(
        application, table=table, event=event, field="stage", changes={"stage_changed_at": now}
    )
    new_stage = application.stage
    StageChange(
        application=application,
        from_stage=current,
        to_stage=new_stage,
        at=now,
        # A system actor (a label such as "system:offer-acceptance") is named in the audit event.
        actor=actor if isinstance(actor, User) else None,
        reason=reason,
    ).save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        changed_fields=["stage"],
        detail={"event": event, "from": current, "to": new_stage},
    )
    if new_stage in CLOSED_STAGES:
        # Every move into a closed stage passes here, so none leaves an interview or a message
        # pending: the apps above this one close what they hold for it, in this transaction.
        for handler in _close_handlers:
            handler(application=application, actor=actor)
    return application


@dataclass(frozen=True)
class EachApplied:
    """What became of one application of `applications_each`: done, or refused and why."""

    application: Application
    done: bool
    why: str = ""


def applications_each(
    applications: Iterable[Application], apply: Callable[[Application], object]
) -> list[EachApplied]:
    """`apply` to each application on its own: in a transaction of its own (its service writes
    its audit events there), a refusal (any `ApplicationError`) kept with its reason and undoing
    none of the others. Call outside a transaction, so that each one commits by itself; what
    closes a position's applications and the bulk actions go through here
    (docs/architecture.md, "Bulk actions")."""
    outcomes = []
    for application in applications:
        try:
            with transaction.atomic():
                apply(application)
        except ApplicationError as error:
            outcomes.append(EachApplied(application, done=False, why=error.message))
        else:
            outcomes.append(EachApplied(application, done=True))
    return outcomes
