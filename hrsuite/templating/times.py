"""The times that lists print on every row, without Django's `date` filter.

`date` parses its format string and looks the format up in the locale's modules on every call:
about 50 µs for "Y-m-d H:i", against a few µs here. A page of 25 to 50 rows prints 50 to 140
times, so these save the list pages, the dashboard and the audit trail several milliseconds each.
Everything here shows the time in the viewer's zone, as `date` does in Django's templates (and
keeps the zone a `timezone` filter chose).
"""

import datetime
import functools
from collections.abc import Callable

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import format_html

from hrsuite.catalogues import forget_with_catalogues


def local(print_: Callable) -> Callable:
    """`print_`, given a time in the viewer's zone, as Django's templates give one to a filter that
    expects local time (a time a `timezone` filter put into a zone stays in that zone)."""

    def printed(value, *args):
        return print_(timezone.template_localtime(value, settings.USE_TZ), *args)

    return printed


def _minute(value) -> str:
    if not isinstance(value, datetime.datetime):
        return ""
    return f"{_day(value)} {_hour_minute(value)}"


def _day(value) -> str:
    if not isinstance(value, datetime.date):
        return ""
    return f"{value.year:04}-{value.month:02}-{value.day:02}"


def _hour_minute(value) -> str:
    if not isinstance(value, datetime.datetime | datetime.time):
        return ""
    return f"{value.hour:02}:{value.minute:02}"


def _time_of_day(value) -> str:
    if not isinstance(value, datetime.datetime | datetime.time):
        return ""
    return f"{_hour_minute(value)}:{value.second:02}"


def _day_and_time(value) -> str:
    if not isinstance(value, datetime.datetime):
        return ""
    day = _day_text(value.date(), formats.get_format("MONTH_DAY_FORMAT"), translation.get_language())
    return f"{day} {_hour_minute(value)}"


# 2026-11-26 18:30, as `date:"Y-m-d H:i"` prints it; "" for no time.
minute = local(_minute)
# 2026-11-26, as `date:"Y-m-d"` prints it, for a date or a datetime; "" for anything else.
day = local(_day)
# 18:30, as `time:"H:i"` prints it; "" for no time.
hour_minute = local(_hour_minute)
# 18:30:05, as `time:"H:i:s"` prints it; "" for no time.
time_of_day = local(_time_of_day)
# The day in the language's short form and the time: "November 26 18:30", "11月26日 18:30".
day_and_time = local(_day_and_time)


# Format characters that print the time of day alone, and those that print the zone or the whole
# instant; every other one prints something of the day.
_TIME_OF_DAY = frozenset("aAfgGhHiPsu")
_INSTANT = frozenset("ceIOrTUZ")


@functools.lru_cache(maxsize=64)
def _runs(format: str) -> tuple[tuple[bool, str], ...] | None:
    """`format` cut into formats of its own, each flagged whether it prints the time of day (else
    the day): "D j M Y, H:i" is ((False, "D j M Y, "), (True, "H:i")). Text between format
    characters goes with the run before it. None when a character needs the whole instant."""
    runs: list[tuple[bool, str]] = []
    for n, piece in enumerate(dateformat.re_formatchars.split(format)):
        if not piece:
            continue
        if n % 2 and piece in _INSTANT:
            return None
        of_time = piece in _TIME_OF_DAY if n % 2 else bool(runs) and runs[-1][0]
        if runs and runs[-1][0] == of_time:
            runs[-1] = (of_time, runs[-1][1] + piece)
        else:
            runs.append((of_time, piece))
    return tuple(runs)


def _formatted_or_nothing(value, format: str) -> str:
    if not isinstance(value, datetime.date):
        return ""
    return _formatted(value, format or "DATE_FORMAT")


# What `date:format` prints, for a date or a datetime; "" for anything else (a time of day too,
# which `date` would print).
formatted = local(_formatted_or_nothing)


def _formatted(value: datetime.date, format: str) -> str:
    """`date_format(value, format)`, with the day's part of the text made once per day and
    language: the weekday and month names are looked up in the catalogue each time otherwise."""
    runs = _runs(formats.get_format(format))
    has_time = isinstance(value, datetime.datetime)
    if runs is None or (not has_time and any(of_time for of_time, _run in runs)):
        return formats.date_format(value, format)
    day, language = value.date() if has_time else value, translation.get_language()
    return "".join(
        dateformat.time_format(value, run) if of_time else _day_text(day, run, language)
        for of_time, run in runs
    )


@functools.lru_cache(maxsize=1024)
def _day_text(day: datetime.date, format: str, language: str) -> str:
    # A list's rows fall on a few days: each is formatted once per format and language.
    with translation.override(language):
        return dateformat.format(day, format)


# The texts hold weekday and month names from the catalogues (the formats are part of each key).
forget_with_catalogues(_day_text.cache_clear)


def time_element(value, format: str = "") -> str:
    """`<time>` with the instant in UTC for machines and, for people, the time in the viewer's
    zone: as `minute` prints it, or in a `date` format; nothing for no time. A naive time is
    taken to be in the default zone, as the `utc` filter takes it."""
    if not isinstance(value, datetime.datetime):
        return ""
    here = timezone.template_localtime(value, settings.USE_TZ)
    default = timezone.get_default_timezone()
    instant = timezone.make_aware(value, default) if timezone.is_naive(value) else value
    return format_html(
        '<time datetime="{}">{}</time>',
        instant.astimezone(datetime.UTC).isoformat(),
        _formatted(here, format) if format else _minute(here),
    )
