"""Every write to positions."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import (
    REJECTION_NOTICE_HOURS_MAX,
    Position,
)
from candidates.services.validation import check_time_zone, raise_if_errors
from hrsuite.permissions import get_for_change, require


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
    check_time_zone(time_zone, "time_zone", errors)
    _check_weights(dimension_weights, errors)
    _check_rejection_notice_hours(rejection_notice_hours, errors)
    raise_if_errors(errors)
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
    raise_if_errors(errors)
    if position.rejection_notice_hours == rejection_notice_hours:
        return position
    position.rejection_notice_hours = rejection_notice_hours
    position.save(update_fields=["rejection_notice_hours", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=position, changed_fields=["rejection_notice_hours"]
    )
    return position


def _fields(instance) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if not f.primary_key]
