"""Input checks the candidate and position services share."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext

from hrsuite.errors import ValidationFailed


def check_time_zone(name: str, field: str, errors: dict) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.setdefault(field, []).append(gettext("Unknown time zone '%(zone)s'.") % {"zone": name})


def raise_if_errors(errors: dict) -> None:
    if errors:
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)
