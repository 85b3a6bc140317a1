"""Parsing the small POST forms of HR's candidate pages, and carrying a refused form back to its page.

Parsing turns what a browser sends (a `datetime-local` value in a chosen zone, a number, ids) into
what a service takes; the service then decides. A refused form comes back with its values and the
service's field errors, shown next to the fields and summarised at the top of the page.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.translation import gettext as _

from hrsuite.errors import ValidationFailed


class Fields(dict):
    """A form's values or errors by field name, where a field with none reads as "".

    Templates look up every field of every form on a page, mostly on blank forms: a field with
    no value is then "" rather than a miss for the template to make something of (the "apply"
    form's position menu alone missed fifty times per candidate file)."""

    def __missing__(self, name):
        return ""


@dataclass
class FormState:
    """What a form shows: the values entered and the errors per field (empty when not refused)."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    def __post_init__(self):
        # Whatever dicts the caller gives, the template reads them as `Fields`.
        self.values, self.errors = Fields(self.values), Fields(self.errors)

    @property
    def refused(self) -> bool:
        return bool(self.errors)


BLANK = FormState()


@dataclass
class Refusal:
    """A form the service refused: which action on which object, and why."""

    action: str
    target: str
    state: FormState
    message: str
    status: int


def form_values(post) -> dict:
    """The POST as the template re-shows it: one value per name, lists for multi-selects."""
    values = {name: post.get(name) for name in post if name != "csrfmiddlewaretoken"}
    for name in ("interviewers",):
        if name in post:
            values[name] = post.getlist(name)
    return values


def template_errors(error: ValidationFailed) -> dict[str, list[str]]:
    """Field errors keyed so a template can look them up (`offer.salary` → `offer_salary`)."""
    return {name.replace(".", "_"): list(messages) for name, messages in error.fields.items()}


def zone_named(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_moment(value: str | None, *, zone: ZoneInfo, field_name: str, errors: dict) -> datetime | None:
    """A `datetime-local` value ("2027-03-02T10:00") read in `zone`, as UTC; a field error if unreadable.

    A wall time that a DST change skips or repeats takes its first reading (fold=0), as calendars do.
    """
    try:
        naive = datetime.fromisoformat((value or "").strip())
    except ValueError:
        errors.setdefault(field_name, []).append(_("Give a date and a time."))
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def whole_number(value: str | None, *, field_name: str, errors: dict) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        errors.setdefault(field_name, []).append(_("Give a whole number."))
        return None


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Check the fields marked below."), fields=errors)


def viewer_zone() -> ZoneInfo:
    """The signed-in user's zone, as the middleware activated it."""
    current = timezone.get_current_timezone()
    return current if isinstance(current, ZoneInfo) else ZoneInfo(timezone.get_current_timezone_name())


# --- A position's form ----------------------------------------------------------------------------
#
# The page has no script: a plan and a position's dimensions are rows of fields, as many as a
# position holds and a few blank ones to add to. What the rows hold is parsed here into what
# `candidates.services.positions` takes; every rule about it is the service's, so the page and
# the API refuse alike. A number that is not one is passed on as typed, for the service to refuse
# naming its field.

PLAN_ROWS_BLANK = 2
DIMENSION_ROWS_BLANK = 3


def _number(text: str | None):
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


def _rows(post, prefix: str, names: tuple[str, ...], limit: int) -> list[dict]:
    """The filled rows `<prefix>-<i>-<name>` of a form, in order; a blank row is left out."""
    rows = []
    for i in range(limit):
        row = {name: post.get(f"{prefix}-{i}-{name}", "").strip() for name in names}
        if any(row.values()):
            rows.append(row)
    return rows


def position_input(post, *, steps_max: int, dimensions_max: int) -> tuple[dict, dict, dict]:
    """The position form's POST as the position service's arguments, as the form shows it again
    (its rows without the blank ones, which the form adds back), and what cannot be passed on
    (a dimension named in two rows). The form has at most `steps_max` plan rows and
    `dimensions_max` dimension rows."""
    plan = _rows(post, "plan", ("kind", "duration_minutes"), steps_max)
    dimensions = _rows(post, "dimension", ("key", "weight", "label_en", "label_zh_hans"), dimensions_max)
    shown = {
        **{name: post.get(name, "") for name in ("title_en", "title_zh_hans", "department", "region")},
        **{
            name: post.get(name, "")
            for name in ("time_zone", "headcount", "owner", "rejection_notice_hours", "stuck_after_days")
        },
        "interviewers": post.getlist("interviewers"),
        "plan": plan,
        "dimensions": dimensions,
    }
    keys = [row["key"] for row in dimensions]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    errors = (
        {"dimension_weights": [_("'%(key)s' is named twice.") % {"key": key} for key in twice]}
        if twice
        else {}
    )
    values = {
        **{name: shown[name] for name in ("title_en", "title_zh_hans", "department", "region", "time_zone")},
        "headcount": _number(shown["headcount"]),
        "owner": shown["owner"] or None,
        "interviewers": shown["interviewers"],
        "interview_plan": [
            {"kind": row["kind"], "duration_minutes": _number(row["duration_minutes"])} for row in plan
        ],
        "dimension_weights": {row["key"]: row["weight"] for row in dimensions},
        "dimension_labels": {
            row["key"]: {"en": row["label_en"], "zh-hans": row["label_zh_hans"]} for row in dimensions
        },
        "rejection_notice_hours": _number(shown["rejection_notice_hours"]),
        "stuck_after_days": _number(shown["stuck_after_days"]),
    }
    return values, shown, errors


def position_shown(position) -> dict:
    """A position as its edit form shows it."""
    return {
        **{name: getattr(position, name) for name in ("title_en", "title_zh_hans", "department", "region")},
        "time_zone": position.time_zone,
        "headcount": str(position.headcount),
        "owner": str(position.owner_id or ""),
        "interviewers": [str(user.pk) for user in position.interviewers.all()],
        "rejection_notice_hours": ""
        if position.rejection_notice_hours is None
        else str(position.rejection_notice_hours),
        "stuck_after_days": str(position.stuck_after_days),
        "plan": [
            {"kind": step.get("kind", ""), "duration_minutes": str(step.get("duration_minutes", ""))}
            for step in position.interview_plan
        ],
        "dimensions": [
            {
                "key": dimension["key"],
                "weight": f"{dimension['weight']:g}",
                "label_en": position.dimension_labels.get(dimension["key"], {}).get("en", ""),
                "label_zh_hans": position.dimension_labels.get(dimension["key"], {}).get("zh-hans", ""),
            }
            for dimension in position.dimensions()
        ],
    }
