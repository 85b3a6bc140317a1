"""Every write to positions: creating and editing one (its titles, place, headcount, hiring team,
interview plan and dimensions), and moving it between open, on hold and closed
(docs/architecture.md, "Positions").

The checks here are the only ones: the HR pages and the API parse what they are sent into these
arguments and leave every rule to this module, so both refuse the same input with the same field
named."""

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from candidates.languages import LANGUAGES
from candidates.models import (
    HEADCOUNT_MAX,
    REJECTION_NOTICE_HOURS_MAX,
    STUCK_AFTER_DAYS_MAX,
    Position,
    PositionWeights,
)
from candidates.services.validation import check_length, check_region, check_time_zone, raise_if_errors
from hrsuite.errors import Conflict
from hrsuite.models import BIGINT_MAX
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.roles import Role
from hrsuite.workflow import transition

Status = Position.Status

# open ⇄ on hold; open or on hold → closed; closed → open again (docs/architecture.md,
# "Workflow transitions").
POSITION_TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.OPEN, "hold"): Status.ON_HOLD,
    (Status.ON_HOLD, "resume"): Status.OPEN,
    (Status.OPEN, "close"): Status.CLOSED,
    (Status.ON_HOLD, "close"): Status.CLOSED,
    (Status.CLOSED, "reopen"): Status.OPEN,
}
POSITION_EVENTS = ("hold", "resume", "close", "reopen")

# What one position holds at most: every list of it is shown whole on its page.
INTERVIEWERS_MAX = 50
PLAN_STEPS_MAX = 10
DIMENSIONS_MAX = 12
LABEL_LENGTH_MAX = 80
# A dimension's key, as assessments and scorecards name it (`AIDimensionScore.dimension`, 60).
DIMENSION_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
# How far the weights may be from adding up to 1 (three decimals, as HR types them).
WEIGHT_TOLERANCE = Decimal("0.001")

# What `position_create` and `position_update` take, besides the actor.
FIELDS = (
    "title_en",
    "title_zh_hans",
    "department",
    "region",
    "time_zone",
    "headcount",
    "owner",
    "interviewers",
    "interview_plan",
    "dimension_weights",
    "dimension_labels",
    "rejection_notice_hours",
    "stuck_after_days",
)

# --- The kinds of interview a plan's steps may be ---------------------------------------------------
#
# Interviews are an app above this one: it registers its kinds of interview, and how long one may
# last, when it starts (docs/architecture.md, "Layers").

_step_kinds: dict[str, object] = {}
_step_minutes: list[int] = [1, 24 * 60]


def plan_steps_register(*, kinds, minutes: tuple[int, int]) -> None:
    """The kinds (value, label) an interview plan's step may be, and its shortest and longest
    duration in minutes."""
    _step_kinds.clear()
    _step_kinds.update(kinds)
    _step_minutes[:] = minutes


def plan_step_kinds() -> list[tuple[str, str]]:
    """The kinds of step, as (value, label in the active language)."""
    return [(value, str(label)) for value, label in _step_kinds.items()]


def plan_step_minutes() -> tuple[int, int]:
    return _step_minutes[0], _step_minutes[1]


# --- Checks --------------------------------------------------------------------------------------


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_titles(values: dict, errors: dict) -> dict:
    titles = {name: _text(values.get(name)) for name in Position.TITLE_FIELDS.values()}
    for name, title in titles.items():
        check_length(title, Position._meta.get_field(name).max_length, name, errors)
    if not any(titles.values()):
        errors.setdefault("title_en", []).append(
            gettext("Give the title in English, in Chinese, or in both.")
        )
    return titles


def _check_place(values: dict, errors: dict) -> dict:
    department, region, zone = (_text(values.get(name)) for name in ("department", "region", "time_zone"))
    region = region.upper()
    if not department:
        errors.setdefault("department", []).append(gettext("Name the department."))
    check_length(department, Position._meta.get_field("department").max_length, "department", errors)
    if not region:
        errors.setdefault("region", []).append(gettext("Give the region (CN, US-IL, DE-BE)."))
    else:
        check_region(region, "region", errors)
    if not zone:
        errors.setdefault("time_zone", []).append(gettext("Choose the time zone."))
    else:
        check_time_zone(zone, "time_zone", errors)
    return {"department": department, "region": region, "time_zone": zone}


def _whole(value) -> int | None:
    """An int given as such; a bool, a fraction or a text is none."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_headcount(value, errors: dict) -> int | None:
    number = _whole(value)
    if number is None or not 1 <= number <= HEADCOUNT_MAX:
        errors.setdefault("headcount", []).append(
            gettext("Give a whole number of people from 1 to %(max)d.") % {"max": HEADCOUNT_MAX}
        )
    return number


def _user_key(value):
    """A user's key, given as the user or as their id."""
    return value.pk if isinstance(value, User) else value


def _int_key(value) -> int | None:
    """A user's key given as a number or as its digits; None for anything that names no user."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or int(text) > BIGINT_MAX:
        return None
    return int(text)


def _active_with_role(keys: list, role: Role) -> dict:
    """The active users among `keys` who hold `role`, by the key as given."""
    wanted = {key: _int_key(key) for key in keys}
    found = User.objects.filter(
        pk__in=[pk for pk in wanted.values() if pk is not None], is_active=True, groups__name=role.value
    )
    by_pk = {user.pk: user for user in found}
    return {key: by_pk[pk] for key, pk in wanted.items() if pk in by_pk}


def _check_owner(value, errors: dict, *, optional: bool) -> User | None:
    key = _user_key(value)
    if key is None or key == "":
        if not optional:
            errors.setdefault("owner", []).append(gettext("Choose the recruiter who owns the position."))
        return None
    owner = _active_with_role([key], Role.RECRUITER).get(key)
    if owner is None:
        errors.setdefault("owner", []).append(gettext("The owner must be an active recruiter."))
    return owner


def _check_interviewers(values, errors: dict) -> list[User]:
    if not isinstance(values, list | tuple):
        errors.setdefault("interviewers", []).append(gettext("Give a list of interviewers."))
        return []
    keys = list(dict.fromkeys(_user_key(value) for value in values))
    if len(keys) > INTERVIEWERS_MAX:
        errors.setdefault("interviewers", []).append(
            gettext("At most %(count)d interviewers.") % {"count": INTERVIEWERS_MAX}
        )
        return []
    found = _active_with_role(keys, Role.INTERVIEWER)
    if len(found) < len(keys):
        errors.setdefault("interviewers", []).append(
            gettext("Everyone in the interviewer pool must be an active interviewer.")
        )
    return list(found.values())


def _check_plan(steps, errors: dict) -> list[dict]:
    if not isinstance(steps, list | tuple):
        errors.setdefault("interview_plan", []).append(gettext("Give the plan as a list of steps."))
        return []
    if len(steps) > PLAN_STEPS_MAX:
        errors.setdefault("interview_plan", []).append(
            gettext("At most %(count)d steps.") % {"count": PLAN_STEPS_MAX}
        )
        return []
    shortest, longest = plan_step_minutes()
    plan = []
    for i, step in enumerate(steps):
        step = step if isinstance(step, dict) else {}
        kind, minutes = step.get("kind"), _whole(step.get("duration_minutes"))
        if not isinstance(kind, str) or kind not in _step_kinds:
            errors.setdefault(f"interview_plan[{i}].kind", []).append(
                gettext("Choose one of %(kinds)s.") % {"kinds": ", ".join(_step_kinds)}
            )
        if minutes is None or not shortest <= minutes <= longest:
            errors.setdefault(f"interview_plan[{i}].duration_minutes", []).append(
                gettext("Give a whole number of minutes from %(shortest)d to %(longest)d.")
                % {"shortest": shortest, "longest": longest}
            )
        plan.append({"kind": kind, "duration_minutes": minutes})
    return plan


def _check_weights(weights, errors: dict) -> dict:
    """{key: weight}: named dimensions, each weighing 0 or more, together 1."""
    if not isinstance(weights, dict) or not weights:
        errors.setdefault("dimension_weights", []).append(gettext("Name at least one dimension."))
        return {}
    if len(weights) > DIMENSIONS_MAX:
        errors.setdefault("dimension_weights", []).append(
            gettext("At most %(count)d dimensions.") % {"count": DIMENSIONS_MAX}
        )
        return {}
    messages, parsed = [], {}
    for key, weight in weights.items():
        if not isinstance(key, str) or not DIMENSION_KEY.fullmatch(key):
            messages.append(
                gettext(
                    "'%(key)s' is not a dimension's key: lower-case letters, digits and '_', "
                    "starting with a letter (problem_solving)."
                )
                % {"key": str(key)[:60]}
            )
            continue
        try:
            if isinstance(weight, bool):
                raise TypeError
            number = Decimal(str(weight))
        except (InvalidOperation, ValueError, TypeError):
            messages.append(gettext("The weight of '%(key)s' must be a number.") % {"key": key})
            continue
        if not number.is_finite() or number < 0:
            messages.append(gettext("The weight of '%(key)s' must be 0 or more.") % {"key": key})
            continue
        parsed[key] = number
    if not messages and abs(sum(parsed.values()) - 1) > WEIGHT_TOLERANCE:
        messages.append(
            gettext("The weights must add up to 1; they add up to %(sum)s.") % {"sum": sum(parsed.values())}
        )
    if messages:
        errors.setdefault("dimension_weights", []).extend(messages)
        return {}
    return {key: float(number) for key, number in parsed.items()}


def _check_labels(labels, weights: dict, errors: dict) -> dict:
    """{key: {language: label}} of rated dimensions; empty labels are left out."""
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        errors.setdefault("dimension_labels", []).append(gettext("Give the labels by dimension."))
        return {}
    messages, kept = [], {}
    for key, by_language in labels.items():
        if weights and key not in weights:
            messages.append(
                gettext("'%(key)s' is not one of the position's dimensions.") % {"key": str(key)[:60]}
            )
            continue
        if not isinstance(by_language, dict) or not set(by_language) <= set(LANGUAGES):
            messages.append(
                gettext("Give the labels of '%(key)s' by language: %(languages)s.")
                % {"key": key, "languages": ", ".join(LANGUAGES)}
            )
            continue
        texts = {code: _text(text) for code, text in by_language.items() if _text(text)}
        if any(len(text) > LABEL_LENGTH_MAX for text in texts.values()):
            messages.append(
                ngettext(
                    "A label of '%(key)s' is longer than %(count)d character.",
                    "A label of '%(key)s' is longer than %(count)d characters.",
                    LABEL_LENGTH_MAX,
                )
                % {"key": key, "count": LABEL_LENGTH_MAX}
            )
            continue
        if texts:
            kept[key] = texts
    if messages:
        errors.setdefault("dimension_labels", []).extend(messages)
    return kept


def _check_rejection_notice_hours(hours, errors: dict) -> int | None:
    if hours is not None and (_whole(hours) is None or not 0 <= hours <= REJECTION_NOTICE_HOURS_MAX):
        errors.setdefault("rejection_notice_hours", []).append(
            gettext("Give a number of hours from 0 to %(max)d, or none for the default.")
            % {"max": REJECTION_NOTICE_HOURS_MAX}
        )
    return hours


# The model's default, for a position made without saying.
STUCK_AFTER_DAYS_DEFAULT = Position._meta.get_field("stuck_after_days").default


def _check_stuck_after_days(days, errors: dict) -> int:
    if days is None:
        return STUCK_AFTER_DAYS_DEFAULT
    if _whole(days) is None or not 1 <= days <= STUCK_AFTER_DAYS_MAX:
        errors.setdefault("stuck_after_days", []).append(
            gettext("Give a number of days from 1 to %(max)d.") % {"max": STUCK_AFTER_DAYS_MAX}
        )
    return days


def position_values(values: dict, *, owner_optional: bool = False) -> dict:
    """Every field of a position checked and normalised; ValidationFailed naming each field in
    error (`interview_plan[1].kind` for a step's), so nothing is written unless all of it holds.
    `owner_optional`: a position that has no owner yet (one made before positions had owners)
    may keep having none."""
    errors: dict[str, list[str]] = {}
    cleaned = {**_check_titles(values, errors), **_check_place(values, errors)}
    cleaned["headcount"] = _check_headcount(values.get("headcount"), errors)
    cleaned["owner"] = _check_owner(values.get("owner"), errors, optional=owner_optional)
    cleaned["interviewers"] = _check_interviewers(values.get("interviewers", []), errors)
    cleaned["interview_plan"] = _check_plan(values.get("interview_plan", []), errors)
    weights = cleaned["dimension_weights"] = _check_weights(values.get("dimension_weights"), errors)
    cleaned["dimension_labels"] = _check_labels(values.get("dimension_labels"), weights, errors)
    cleaned["rejection_notice_hours"] = _check_rejection_notice_hours(
        values.get("rejection_notice_hours"), errors
    )
    cleaned["stuck_after_days"] = _check_stuck_after_days(values.get("stuck_after_days"), errors)
    raise_if_errors(errors)
    return cleaned


def _refuse_unknown(values: dict) -> None:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not fields of a position: {', '.join(sorted(unknown))}")


def _values_of(position: Position) -> dict:
    """What `position_values` takes, as the position holds it now."""
    values = {name: getattr(position, name) for name in FIELDS if name not in ("owner", "interviewers")}
    values["owner"] = position.owner_id
    values["interviewers"] = list(position.interviewers.values_list("pk", flat=True))
    return values


# --- Writes --------------------------------------------------------------------------------------


@transaction.atomic
def position_create(*, actor, **values) -> Position:
    """A new open position. Without an `owner`, the recruiter creating it owns it."""
    require(actor, "add", Position)
    _refuse_unknown(values)
    if values.get("owner") is None and has_role(actor, Role.RECRUITER):
        values["owner"] = actor
    values.setdefault("headcount", 1)
    cleaned = position_values(values)
    interviewers = cleaned.pop("interviewers")
    position = Position(**cleaned)
    position.save(force_insert=True)
    position.interviewers.set(interviewers)
    _weights_version_record(position, source=PositionWeights.Source.SET, actor=actor)
    audit_record(actor=actor, action=AuditAction.CREATE, target=position, changed_fields=FIELDS)
    return position


@transaction.atomic
def position_update(*, position: Position, actor, **changes) -> Position:
    """Change some of a position's fields (`FIELDS`); the others stay. The whole position is
    checked as it would be after the change."""
    _refuse_unknown(changes)
    position = get_for_change(Position.objects, user=actor, pk=position.pk)
    before = _values_of(position)
    cleaned = position_values({**before, **changes}, owner_optional="owner" not in changes)
    interviewers = cleaned.pop("interviewers")
    changed = [
        name
        for name, value in cleaned.items()
        if (getattr(value, "pk", None) if name == "owner" else value) != before[name]
    ]
    if sorted(user.pk for user in interviewers) != sorted(before["interviewers"]):
        position.interviewers.set(interviewers)
        changed.append("interviewers")
    if not changed:
        return position
    for name, value in cleaned.items():
        setattr(position, name, value)
    saved = [name for name in changed if name != "interviewers"]
    detail = None
    if "dimension_weights" in changed:
        position.weights_version += 1
        saved.append("weights_version")
        detail = {"weights_version": position.weights_version}
    position.save(update_fields=[*saved, "updated_at"])
    if "dimension_weights" in changed:
        _weights_version_record(position, source=PositionWeights.Source.SET, actor=actor)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=position, changed_fields=changed, detail=detail
    )
    return position


def _weights_version_record(position: Position, *, source: str, actor, basis: dict | None = None) -> None:
    PositionWeights(
        position=position,
        version=position.weights_version,
        weights=position.dimension_weights,
        source=source,
        set_by=actor if isinstance(actor, User) else None,
        set_at=timezone.now(),
        basis=basis or {},
    ).save(force_insert=True)


# Adopted weights are kept to three decimals, as HR types them.
_ADOPTED_PLACES = Decimal("0.001")


def adopted_weights(suggested: dict[str, float]) -> dict[str, float]:
    """Fitted weights as a position keeps them: three decimals, adding up to exactly 1 (the
    rounding's remainder goes to the weightiest)."""
    rounded = {
        key: Decimal(str(value)).quantize(_ADOPTED_PLACES, ROUND_HALF_EVEN)
        for key, value in suggested.items()
    }
    heaviest = max(sorted(rounded), key=lambda key: rounded[key])
    rounded[heaviest] += Decimal(1) - sum(rounded.values())
    return {key: float(value) for key, value in rounded.items()}


@transaction.atomic
def position_weights_adopt(*, position: Position, weights: dict[str, float], basis: dict, actor) -> Position:
    """Make `weights` (fitted to hires' later performance, `basis` saying from what) the
    position's new version of its weights: the same dimensions as now, checked as any weights
    are. Refused (409 `weights_changed`) when the position's weights are no longer
    `basis["weights_version"]`, the version the fit compared against."""
    position = get_for_change(Position.objects, user=actor, pk=position.pk)
    if basis.get("weights_version") != position.weights_version:
        message = gettext(
            "The position's weights changed after these figures were computed; adopt the next ones."
        )
        raise Conflict(message, fields={"dimension_weights": [message]}, code="weights_changed")
    errors: dict[str, list[str]] = {}
    cleaned = _check_weights(weights, errors)
    if not errors and set(cleaned) != set(position.dimension_weights):
        errors["dimension_weights"] = [gettext("Weigh exactly the position's dimensions.")]
    raise_if_errors(errors)
    before, before_version = position.dimension_weights, position.weights_version
    position.dimension_weights = cleaned
    position.weights_version += 1
    position.save(update_fields=["dimension_weights", "weights_version", "updated_at"])
    _weights_version_record(position, source=PositionWeights.Source.ADOPTED, actor=actor, basis=basis)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=position,
        changed_fields=["dimension_weights", "weights_version"],
        detail={
            "event": "weights_adopted",
            "from_version": before_version,
            "to_version": position.weights_version,
            "from": before,
            "to": cleaned,
            "basis": basis,
        },
    )
    return position


@transaction.atomic
def position_transition(*, position: Position, event: str, actor) -> Position:
    """Put the position on hold, resume it, close it or reopen it. A closed position takes no new
    application (`application_create`); its open ones stay open until HR closes them."""
    position = get_for_change(Position.objects, user=actor, pk=position.pk)
    left = transition(position, table=POSITION_TRANSITIONS, event=event)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=position,
        changed_fields=["status"],
        detail={"event": event, "from": left, "to": position.status},
    )
    return position
