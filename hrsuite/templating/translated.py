"""Translated texts for the pages' templates, in the active language, as Django translates them.

`_("text")` and `{% trans %}` call these (Jinja2's "new style" gettext): the values put into a
text are shown as any printed value is (`hrsuite.templating.printing.shown`) and escaped, the text itself
is then marked safe, as `blocktranslate` did; a text with no value put into it is escaped when
printed, as `translate` did. Every text is a %-format, so a literal % is written %%.

A page prints some two hundred fixed texts; each is looked up in the catalogues once per language
and kept, and what is kept is dropped whenever Django drops its translations: when the language
settings change (tests) and when a catalogue file changes (the development server reloads them).
"""

import functools

from django.utils import translation
from markupsafe import Markup

from hrsuite.catalogues import forget_with_catalogues
from hrsuite.templating.printing import shown

_texts: dict[tuple[str, str | None, str], str] = {}


forget_with_catalogues(_texts.clear)


def _text(language: str, context: str | None, message: str) -> str:
    key = (language, context, message)
    try:
        return _texts[key]
    except KeyError:
        text = _texts[key] = (
            translation.gettext(message) if context is None else translation.pgettext(context, message)
        )
        return text


def _filled(text: str, variables: dict) -> str:
    if not variables:
        return text % variables
    # The catalogue's text is ours and safe, as blocktranslate took it; each value is escaped by %.
    return Markup(text) % {name: shown(value) for name, value in variables.items()}  # noqa: S704


def _gettext(language: str, message: str, **variables) -> str:
    return _filled(_text(language, None, message), variables)


def _pgettext(language: str, context: str, message: str, **variables) -> str:
    return _filled(_text(language, context, message), variables)


def gettext(message: str, **variables) -> str:
    return _gettext(translation.get_language(), message, **variables)


def pgettext(context: str, message: str, **variables) -> str:
    return _pgettext(translation.get_language(), context, message, **variables)


def in_language(language: str) -> dict:
    """`_`, `gettext` and `pgettext` for a page's context, in the language it is rendered in: a
    page's texts then look the language up once, not once each."""
    gettext = functools.partial(_gettext, language)
    return {"_": gettext, "gettext": gettext, "pgettext": functools.partial(_pgettext, language)}


def ngettext(singular: str, plural: str, number: int, **variables) -> str:
    variables.setdefault("num", number)
    return _filled(translation.ngettext(singular, plural, number), variables)


def npgettext(context: str, singular: str, plural: str, number: int, **variables) -> str:
    variables.setdefault("num", number)
    return _filled(translation.npgettext(context, singular, plural, number), variables)
