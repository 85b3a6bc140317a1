"""Input checks the candidate and position services share."""

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
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


@functools.cache
def _regions() -> dict[str, frozenset[str]]:
    """The countries the `holidays` package has calendars for, each with its subdivisions."""
    return {
        country: frozenset(subdivisions)
        for country, subdivisions in holidays.list_supported_countries().items()
    }


def check_region(code: str, field: str, errors: dict) -> None:
    """`code` ("CN", "US-IL", "DE-BE", upper case) names a country, or one of its subdivisions,
    whose public holidays the `holidays` package knows: interviews are kept off them."""
    country, dash, subdivision = code.partition("-")
    known = _regions().get(country)
    if known is None or (dash and subdivision not in known):
        errors.setdefault(field, []).append(
            gettext(
                "Unknown region '%(region)s': give a country code, with a subdivision if you like, "
                "that the holiday calendar knows (CN, US-IL, DE-BE)."
            )
            % {"region": code}
        )
