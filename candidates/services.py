"""Every write to candidates, positions, applications and prior records."""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import (
    CLOSED_STAGES,
    REJECTION_NOTICE_HOURS_MAX,
    Application,
    Candidate,
    Position,
    PriorRecord,
    Stage,
    StageChange,
)
from hrsuite import crypto
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.roles import Role
from hrsuite.workflow import transition

EMAIL_INDEX_PURPOSE = "candidate.email"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_index(email: str) -> str:
    return crypto.blind_index(normalise_email(email), purpose=EMAIL_INDEX_PURPOSE)


def _check_time_zone(name: str, field: str, errors: dict) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.setdefault(field, []).append(gettext("Unknown time zone '%(zone)s'.") % {"zone": name})


def _check_weights(weights: dict, errors: dict) -> None:
    try:
        values = [Decimal(str(v)) for v in weights.values()]
    except (InvalidOperation, ValueError):
        errors["dimension_weights"] = [gettext("Each weight must be a number.")]
        return
    if not weights:
        errors["dimension_weights"] = [gettext("Name at least one dimension.")]
    elif any(v <= 0 for v in values) or abs(sum(values) - 1) > Decimal("0.001"):
        errors["dimension_weights"] = [gettext("Weights must be positive and add up to 1.")]


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)


def _check_rejection_notice_hours(hours: int | None, errors: dict) -> None:
    if hours is not None and not 0 <= hours <= REJECTION_NOTICE_HOURS_MAX:
        errors["rejection_notice_hours"] = [
            gettext("Give a number of hours from 0 to %(max)d, or none for the default.")
            % {"max": REJECTION_NOTICE_HOURS_MAX}
        ]


@transaction.atomic
def position_create(
    *,
    title: str,
    department: str,
    region: str,
    time_zone: str,
    dimension_weights: dict,
    rejection_notice_hours: int | None = None,
    actor,
) -> Position:
    require(actor, "add", Position)
    errors: dict[str, list[str]] = {}
    _check_time_zone(time_zone, "time_zone", errors)
    _check_weights(dimension_weights, errors)
    _check_rejection_notice_hours(rejection_notice_hours, errors)
    _raise_if(errors)
    position = Position(
        title=title,
        department=department,
        region=region.upper(),
        time_zone=time_zone,
        dimension_weights=dimension_weights,
        rejection_notice_hours=rejection_notice_hours,
    )
    position.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=position, changed_fields=_fields(position))
    return position


@transaction.atomic
def position_settings_update(*, position: Position, rejection_notice_hours: int | None, actor) -> Position:
    """HR's settings of a position: for now the delay of a rejected candidate's message."""
    position = get_for_change(Position.objects, user=actor, pk=position.pk)
    errors: dict[str, list[str]] = {}
    _check_rejection_notice_hours(rejection_notice_hours, errors)
    _raise_if(errors)
    if position.rejection_notice_hours == rejection_notice_hours:
        return position
    position.rejection_notice_hours = rejection_notice_hours
    position.save(update_fields=["rejection_notice_hours", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=position, changed_fields=["rejection_notice_hours"]
    )
    return position


_CANDIDATE_EDITABLE = (
    "full_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "region",
    "time_zone",
    "preferred_language",
    "resume_text",
    "source",
)


def _refuse_unknown_fields(data: dict) -> None:
    unknown = set(data) - set(_CANDIDATE_EDITABLE)
    if unknown:
        raise ValidationFailed(
            gettext("Unknown fields."), fields={n: [gettext("Not a candidate field.")] for n in unknown}
        )


def _check_candidate(data: dict, errors: dict) -> None:
    if "full_name" in data and not data["full_name"].strip():
        errors["full_name"] = [gettext("Give the candidate's name.")]
    if "time_zone" in data:
        _check_time_zone(data["time_zone"], "time_zone", errors)
    if data.get("date_of_birth"):
        try:
            datetime.date.fromisoformat(data["date_of_birth"])
        except ValueError:
            errors["date_of_birth"] = [gettext("Use the form YYYY-MM-DD.")]


def _save_with_unique_email(candidate: Candidate, **save_kwargs) -> None:
    """Saves with the e-mail normalised and its blind index set; a duplicate is a field error."""
    candidate.email = normalise_email(candidate.email)
    candidate.email_index = email_index(candidate.email)
    try:
        with transaction.atomic():
            candidate.save(**save_kwargs)
    except IntegrityError as exc:
        message = gettext("A candidate with this e-mail address exists already.")
        raise ValidationFailed(message, fields={"email": [message]}) from exc


@transaction.atomic
def candidate_create(*, actor, **data) -> Candidate:
    require(actor, "add", Candidate)
    _refuse_unknown_fields(data)
    errors: dict[str, list[str]] = {}
    _check_candidate(data, errors)
    if not data.get("email"):
        errors["email"] = [gettext("Give the candidate's e-mail address.")]
    _raise_if(errors)
    candidate = Candidate(**data)
    _save_with_unique_email(candidate, force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=candidate, changed_fields=data.keys())
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, actor, **data) -> Candidate:
    _refuse_unknown_fields(data)
    candidate = get_for_change(Candidate.objects, user=actor, pk=candidate.pk)
    errors: dict[str, list[str]] = {}
    _check_candidate(data, errors)
    _raise_if(errors)
    changed = [name for name, value in data.items() if getattr(candidate, name) != value]
    for name in changed:
        setattr(candidate, name, data[name])
    if not changed:
        return candidate
    update_fields = [*changed, "updated_at"]
    if "email" in changed:
        update_fields.append("email_index")
    _save_with_unique_email(candidate, update_fields=update_fields)
    audit_record(actor=actor, action=AuditAction.UPDATE, target=candidate, changed_fields=changed)
    return candidate


@transaction.atomic
def candidate_portal_link(*, candidate: Candidate, user, actor) -> Candidate:
    """Gives a candidate's portal account access to their own records (and nothing else)."""
    candidate = get_for_change(Candidate.objects, user=actor, pk=candidate.pk)
    if not has_role(user, Role.CANDIDATE):
        raise ValidationFailed(
            gettext("Only candidate accounts can be linked."),
            fields={"user": [gettext("Not a candidate account.")]},
        )
    if Candidate.objects.filter(user=user).exclude(pk=candidate.pk).exists():
        raise ValidationFailed(
            gettext("The account belongs to another candidate."),
            fields={"user": [gettext("Linked elsewhere.")]},
        )
    candidate.user = user
    candidate.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PERMISSION_GRANT,
        target=candidate,
        changed_fields=["user"],
        detail={"user": user.get_username(), "permission": "portal"},
    )
    return candidate


@transaction.atomic
def application_create(*, candidate: Candidate, position: Position, actor) -> Application:
    require(actor, "add", Application)
    if position.status != Position.Status.OPEN:
        message = gettext("The position is not open.")
        raise ValidationFailed(message, fields={"position": [message]})
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
    StageChange(application=application, from_stage="", to_stage=Stage.APPLIED, at=now, actor=actor).save(
        force_insert=True
    )
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


@transaction.atomic
def prior_record_create(*, candidate: Candidate, actor, **data) -> PriorRecord:
    require(actor, "add", PriorRecord)
    record = PriorRecord(candidate=candidate, **data)
    if record.period_end and record.period_end < record.period_start:
        raise ValidationFailed(
            gettext("The period ends before it starts."),
            fields={"period_end": [gettext("Ends before it starts.")]},
        )
    record.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=record, changed_fields=data.keys())
    return record


def _fields(instance) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if not f.primary_key]
