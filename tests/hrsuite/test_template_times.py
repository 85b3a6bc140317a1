"""The pages' time filters and `time_element` (`hrsuite.templating.times`) print what Django's
`date` filter prints in Django's templates, in the viewer's zone and language, and the stage badge
keeps each stage's colour."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template, engines
from django.test import override_settings
from django.utils import timezone, translation

from candidates.models import Application, Stage
from hrsuite.templating import times

# 02:05 UTC on 1 March is 10:05 in Shanghai the same day, and 20:05 in Chicago the day before.
INSTANT = datetime.datetime(2027, 3, 1, 2, 5, 9, tzinfo=datetime.UTC)


def render(source: str, *, zone: str = "Asia/Shanghai", language: str = "en", **context) -> str:
    """`source` rendered as a page renders it."""
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        return engines["pages"].from_string(source).render(context)


def django_s(source: str, *, zone: str = "Asia/Shanghai", language: str = "en", **context) -> str:
    """`source` rendered in Django's template language: what the pages' filters must print."""
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        return Template("{% load tz %}" + source).render(Context(context))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Chicago", "UTC"])
def test_minute_is_what_date_prints_in_the_viewers_zone(zone):
    ours = render("{{ at|minute }}", zone=zone, at=INSTANT)
    assert ours == django_s('{{ at|date:"Y-m-d H:i" }}', zone=zone, at=INSTANT)
    assert ours == {"Asia/Shanghai": "2027-03-01 10:05", "America/Chicago": "2027-02-28 20:05"}.get(
        zone, "2027-03-01 02:05"
    )


def test_minute_keeps_the_zone_the_timezone_filter_chose():
    source = '{{ at|timezone("America/Chicago")|minute }}'
    assert render(source, zone="Asia/Shanghai", at=INSTANT) == "2027-02-28 20:05"


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Chicago"])
def test_day_time_of_day_and_hour_minute_are_what_date_and_time_print_in_the_viewers_zone(zone):
    ours = render("{{ at|day }} {{ at|time_of_day }} {{ at|hour_minute }}", zone=zone, at=INSTANT)
    assert ours == django_s(
        '{{ at|date:"Y-m-d" }} {{ at|time:"H:i:s" }} {{ at|time:"H:i" }}', zone=zone, at=INSTANT
    )
    assert (
        ours
        == {
            "Asia/Shanghai": "2027-03-01 10:05:09 10:05",
            "America/Chicago": "2027-02-28 20:05:09 20:05",
        }[zone]
    )


def test_day_prints_a_date_as_it_is():
    assert render("{{ on|day }}", zone="America/Chicago", on=datetime.date(2027, 3, 1)) == "2027-03-01"


@pytest.mark.parametrize("value", [None, "", datetime.date(2027, 3, 1)])
def test_no_time_prints_nothing(value):
    filters = ("minute", "time_of_day", "hour_minute", "day_and_time")
    source = "[" + "|".join(f"{{{{ at|{name} }}}}" for name in filters) + "|{{ time_element(at) }}]"
    assert render(source, at=value) == "[||||]"


@pytest.mark.parametrize(("language", "expected"), [("en", "March 1 10:05"), ("zh-hans", "03月1日 10:05")])
def test_day_and_time_is_the_languages_month_day_and_the_time(language, expected):
    ours = render("{{ at|day_and_time }}", language=language, at=INSTANT)
    theirs = django_s('{{ at|date:"MONTH_DAY_FORMAT" }} {{ at|time:"H:i" }}', language=language, at=INSTANT)
    assert ours == theirs == expected


def test_day_and_time_switches_language_for_a_day_already_printed():
    # The day's text is remembered per language: the second language must not get the first's.
    assert render("{{ at|day_and_time }}", language="en", at=INSTANT).startswith("March 1 ")
    assert render("{{ at|day_and_time }}", language="zh-hans", at=INSTANT).startswith("03月1日 ")
    assert render("{{ at|day_and_time }}", language="en", at=INSTANT).startswith("March 1 ")


def test_the_days_remembered_are_forgotten_when_the_catalogues_may_change():
    render("{{ at|day_and_time }}", at=INSTANT)
    assert times._day_text.cache_info().currsize > 0
    with override_settings(LOCALE_PATHS=[]):
        assert times._day_text.cache_info().currsize == 0


def test_time_element_gives_machines_utc_and_people_their_own_zone():
    html = render("{{ time_element(at) }}", zone="America/Chicago", at=INSTANT)
    assert html == '<time datetime="2027-03-01T02:05:09+00:00">2027-02-28 20:05</time>'


@pytest.mark.parametrize(
    ("source", "text"),
    [
        # The zone a timezone filter chose is kept, as date keeps it.
        ('{{ time_element(at|timezone("America/Chicago")) }}', "2027-02-28 20:05"),
        ('{{ time_element(at|timezone("UTC")) }}', "2027-03-01 02:05"),
        ("{{ time_element(at) }}", "2027-03-01 10:05"),
    ],
)
def test_time_element_follows_the_templates_zone_as_date_does(source, text):
    html = render(source, zone="Asia/Shanghai", at=INSTANT)
    assert html == f'<time datetime="2027-03-01T02:05:09+00:00">{text}</time>'


def test_a_naive_time_element_is_taken_to_be_in_the_default_zone_as_utc_takes_it():
    naive = INSTANT.replace(tzinfo=None)
    html = render("{{ time_element(at) }}", at=naive)
    assert html == django_s(
        '<time datetime="{{ at|utc|date:\'c\' }}">{{ at|date:"Y-m-d H:i" }}</time>', at=naive
    )


def test_time_element_prints_a_date_format_in_the_viewers_language():
    source = '{{ time_element(at, "D j M Y, H:i") }}'
    assert (
        render(source, at=INSTANT)
        == '<time datetime="2027-03-01T02:05:09+00:00">Mon 1 Mar 2027, 10:05</time>'
    )
    # The format is translated as the workspace's pages pass it: 年月日 first in Chinese.
    chinese = render('{{ time_element(at, _("D j M Y, H:i")) }}', language="zh-hans", at=INSTANT)
    assert "2027年3月1日" in chinese
    assert chinese == django_s(
        '<time datetime="{{ at|utc|date:\'c\' }}">{{ at|date:_("D j M Y, H:i") }}</time>',
        language="zh-hans",
        at=INSTANT,
    )


# Formats a page may pass: with day and time, names of formats, escapes, and characters that need
# the whole instant (zone names and offsets, ISO and RFC forms), which are printed as Django does.
FORMATS = [
    "D j M Y, H:i",
    "Y年n月j日 D H:i",
    "l jS \\o\\f F Y h:i:s A",
    "N j, Y, P",
    "\\H\\i H:i, b E L o W t z w",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "DATE_FORMAT",
    "H:i T",
    "H:i e O",
    "c",
    "r",
    "U",
]
# A winter and a summer time in Chicago, and a time past midnight in Shanghai (the day before in UTC).
INSTANTS = [
    INSTANT,
    datetime.datetime(2027, 7, 14, 23, 59, 1, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Chicago"])
def test_time_element_prints_any_format_as_date_does(format, language, zone):
    for at in INSTANTS:
        ours = render("{{ time_element(at, format) }}", zone=zone, language=language, at=at, format=format)
        theirs = django_s(
            "<time datetime=\"{{ at|utc|date:'c' }}\">{{ at|date:format }}</time>",
            zone=zone,
            language=language,
            at=at,
            format=format,
        )
        assert ours == theirs
        assert render("{{ at|formatted(format) }}", zone=zone, language=language, at=at, format=format) == (
            django_s("{{ at|date:format }}", zone=zone, language=language, at=at, format=format)
        )


@pytest.mark.parametrize("format", ["D", "l", "MONTH_DAY_FORMAT", "DATE_FORMAT", "Y-m", "jS \\o\\f F Y"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_formatted_prints_a_day_as_date_does(format, language):
    for on in (datetime.date(2027, 3, 1), datetime.date(2026, 12, 31)):
        ours = render("{{ on|formatted(format) }}", language=language, on=on, format=format)
        assert ours == django_s("{{ on|date:format }}", language=language, on=on, format=format)


@pytest.mark.parametrize("value", [None, "", "2027-03-01", 5])
def test_formatted_prints_nothing_for_what_is_no_day(value):
    assert render('{{ value|formatted("D j M Y") }}', value=value) == ""


def test_formatted_without_a_format_prints_the_date_format_as_date_does():
    ours = render('{{ at|formatted("") }}', at=INSTANT)
    assert ours == django_s('{{ at|date:"" }}', at=INSTANT) == "March 1, 2027"


def test_time_element_prints_a_day_already_printed_in_each_language_its_own_way():
    # The day's text is remembered per language: the second language must not get the first's.
    source = '{{ time_element(at, "D j M Y, H:i") }}'
    assert "Mon 1 Mar 2027" in render(source, language="en", at=INSTANT)
    assert "星期一 1 三月 2027" in render(source, language="zh-hans", at=INSTANT)
    assert "Mon 1 Mar 2027" in render(source, language="en", at=INSTANT)


@pytest.mark.parametrize(
    ("stage", "css"),
    [
        (Stage.APPLIED, "badge"),
        (Stage.SCREENING, "badge"),
        (Stage.INTERVIEWING, "badge"),
        (Stage.DECISION, "badge warn"),
        (Stage.OFFER, "badge ok"),
        (Stage.HIRED, "badge ok"),
        (Stage.REJECTED, "badge bad"),
        (Stage.WITHDRAWN, "badge neutral"),
    ],
)
def test_stage_badge_colours_each_stage(stage, css):
    html = render("{{ stage_badge(application) }}", language="zh-hans", application=Application(stage=stage))
    with translation.override("zh-hans"):
        assert html == f'<span class="{css}">{stage.label}</span>'
