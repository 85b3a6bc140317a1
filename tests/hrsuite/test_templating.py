"""The pages' template language prints what Django's printed: values as Django shows them,
translated texts with the values put into them, and nothing for what is missing."""

import datetime
import decimal
import zoneinfo

import pytest
from django.template import Context, Template, engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

INSTANT = datetime.datetime(2027, 3, 1, 2, 5, 9, tzinfo=datetime.UTC)


def page(source: str, *, language: str = "en", **context) -> str:
    with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")), translation.override(language):
        return engines["pages"].from_string(source).render(context)


def django_s(source: str, *, language: str = "en", **context) -> str:
    with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")), translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "value",
    [
        INSTANT,
        datetime.date(2027, 3, 1),
        datetime.time(9, 30),
        decimal.Decimal("1234.50"),
        0.25,
        12345,
        None,
        True,
        "<b>R&D</b>",
        mark_safe("<b>safe</b>"),
        gettext_lazy("Dashboard"),
    ],
)
def test_a_value_prints_as_in_djangos_templates(value, language):
    assert page("{{ value }}", value=value, language=language) == django_s(
        "{{ value }}", value=value, language=language
    )


def test_a_value_put_into_a_translated_text_prints_as_in_djangos_templates():
    source = "{% trans at=at, amount=amount %}At {{ at }}: {{ amount }}{% endtrans %}"
    theirs = (
        "{% load i18n %}{% blocktranslate with at=at amount=amount %}"
        "At {{ at }}: {{ amount }}{% endblocktranslate %}"
    )
    values = {"at": INSTANT, "amount": decimal.Decimal("9.5")}
    assert page(source, **values) == django_s(theirs, **values) == "At March 1, 2027, 10:05 a.m.: 9.5"


def test_plural_texts_take_the_number_they_count():
    source = (
        "{% trans counter=n %}{{ counter }} candidate{% pluralize %}{{ counter }} candidates{% endtrans %}"
    )
    assert page(source, n=1) == "1 candidate"
    assert page(source, n=3) == "3 candidates"
    assert page(source, n=3, language="zh-hans") == "3 位候选人"


def test_what_is_missing_prints_nothing_however_deep():
    assert page("[{{ nothing }}|{{ nothing.deeper.still }}|{{ row.missing }}]", row={}) == "[||]"


def test_url_static_and_percent_print_what_djangos_tags_printed():
    assert page("{{ url('hr-candidate', id) }}", id="8c6f2f8e-3c5c-4a6e-9a0e-1f2d3c4b5a69") == django_s(
        "{% url 'hr-candidate' id %}", id="8c6f2f8e-3c5c-4a6e-9a0e-1f2d3c4b5a69"
    )
    assert page("{{ static('hrsuite/site.css') }}") == django_s(
        "{% load static %}{% static 'hrsuite/site.css' %}"
    )
    for share in (0.834, 1, 0):
        assert page("{{ share|percent }}", share=share) == django_s(
            "{% widthratio share 1 100 %}", share=share
        )
    assert page("{{ share|percent }}", share=None) == ""
