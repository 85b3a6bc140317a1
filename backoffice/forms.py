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
