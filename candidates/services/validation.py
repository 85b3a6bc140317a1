"""Input checks the candidate and position services share."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext, ngettext

from hrsuite.errors import ValidationFailed


def check_time_zone(name: str, field: str, errors: dict) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.setdefault(field, []).append(gettext("Unknown time zone '%(zone)s'.") % {"zone": name})


def check_length(value: str, limit: int, field: str, errors: dict) -> None:
    """An encrypted field's column holds a text of any length (its ciphertext), so the limit a
    person's value keeps to is checked here, as the database checks a plain column's."""
    if len(value) > limit:
        message = ngettext("At most %(count)d character.", "At most %(count)d characters.", limit)
        errors.setdefault(field, []).append(message % {"count": limit})


def raise_if_errors(errors: dict) -> None:
    if errors:
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)
