"""`{% translate "a literal" %}` is rendered once per language
(`hrsuite.templatetags.i18n_constants`): what it keeps must never leak from one language to
another or from one value of a variable to the next. A template's literal is never escaped
(Django takes it as safe), so a page and a plain-text e-mail render it alike."""

from django.template import Context, engines
from django.test import override_settings
from django.utils import translation

TEMPLATE = '{% load i18n %}{% translate "Dashboard" %}|{% translate "Q&A <b>" %}|{% translate who %}'


def _render(template, *, language: str, autoescape: bool = True, who: str = "Ana") -> str:
    with translation.override(language):
        return template.render({"who": who}) if autoescape else template.template.render(_plain(who))


def _plain(who: str) -> Context:
    return Context({"who": who}, autoescape=False)


def test_each_language_gets_its_own_text_from_the_same_tags():
    template = engines["django"].from_string(TEMPLATE)

    for _ in range(2):  # the second round is what the tags kept
        assert _render(template, language="en") == "Dashboard|Q&A <b>|Ana"
        assert _render(template, language="zh-hans") == "仪表板|Q&A <b>|Ana"


def test_a_literal_renders_alike_with_escaping_on_and_off_and_a_variable_does_not():
    template = engines["django"].from_string(TEMPLATE)

    assert _render(template, language="en", who="Bo <i>") == "Dashboard|Q&A <b>|Bo &lt;i&gt;"
    assert _render(template, language="en", who="Bo <i>", autoescape=False) == "Dashboard|Q&A <b>|Bo <i>"


def test_a_tag_translating_a_variable_renders_each_value():
    template = engines["django"].from_string(TEMPLATE)

    assert _render(template, language="en", who="Ana").endswith("|Ana")
    assert _render(template, language="en", who="Bo <i>").endswith("|Bo &lt;i&gt;")


def test_what_the_tags_kept_is_dropped_when_the_languages_change():
    template = engines["django"].from_string(TEMPLATE)
    assert _render(template, language="zh-hans").startswith("仪表板|")

    with override_settings(LOCALE_PATHS=[]):
        assert _render(template, language="zh-hans").startswith("Dashboard|")
