"""The pages' fixed texts are looked up once per language (`hrsuite.templating.translated`): what
is kept must never leak from one language to another or from one value put into a text to the
next, and a text is escaped as Django's `translate` and `blocktranslate` escaped it."""

from django.template import engines
from django.test import override_settings
from django.utils import translation

TEMPLATE = '{{ _("Dashboard") }}|{{ _("Q&A <b>") }}|{{ _(who) }}|{% trans %}Hello {{ who }}{% endtrans %}'


def _render(*, language: str, who: str = "Ana") -> str:
    with translation.override(language):
        return engines["pages"].from_string(TEMPLATE).render({"who": who})


def test_each_language_gets_its_own_text_from_the_same_template():
    for _ in range(2):  # the second round is what was kept
        assert _render(language="en").startswith("Dashboard|")
        assert _render(language="zh-hans").startswith("仪表板|")


def test_a_fixed_text_is_escaped_and_a_value_put_into_a_text_is_escaped_alone():
    assert _render(language="en", who="Bo <i>") == (
        "Dashboard|Q&amp;A &lt;b&gt;|Bo &lt;i&gt;|Hello Bo &lt;i&gt;"
    )


def test_a_translated_variable_renders_each_value():
    assert "|Ana|Hello Ana" in _render(language="en", who="Ana")
    assert "|Bo|Hello Bo" in _render(language="en", who="Bo")


def test_what_was_kept_is_dropped_when_the_languages_change():
    assert _render(language="zh-hans").startswith("仪表板|")

    with override_settings(LOCALE_PATHS=[]):
        assert _render(language="zh-hans").startswith("Dashboard|")
