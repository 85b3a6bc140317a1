"""Django's `i18n` tag library, with `{% translate "a literal" %}` rendered once per language.

A page holds some two hundred `{% translate %}` tags of fixed text, and each rendered on every
request costs a lazy translation, a catalogue lookup through the active language and an escape:
about four times a plain variable. A tag translating a literal (no variable, filter or `as`)
renders the same text whenever the same language is active, so each such tag keeps what it
rendered per language. The pages' engine (`hrsuite.visibility.Templates`) loads this library for
`{% load i18n %}`, so templates load it as before; every other tag and filter is Django's own.

What a tag kept is dropped whenever Django drops its translations: when the language settings
change (tests) and when a catalogue file changes (the development server reloads them).
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import i18n
from django.utils.autoreload import file_changed
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# Bumped whenever translations may have changed: a tag's kept texts are from an older one.
_generation = [0]


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_I18N"}:
        _generation[0] += 1


@receiver(file_changed)
def _catalogue_changed(*, file_path, **kwargs) -> None:
    if file_path.suffix == ".mo":
        _generation[0] += 1


class ConstantTranslateNode(i18n.TranslateNode):
    """`{% translate "text" %}` (with `context "..."` or `noop` too): the text it rendered, by
    language."""

    def render(self, context):
        if self.generation != _generation[0]:
            self.generation, self.rendered = _generation[0], {}
        language = get_language()
        try:
            return self.rendered[language]
        except KeyError:
            text = self.rendered[language] = super().render(context)
            return text


def _is_literal(expression) -> bool:
    """A quoted text or number with no filter (Django keeps a constant as the text itself, or,
    in a `translate` tag's message, as a literal `Variable`)."""
    if expression is None or expression.filters:
        return False
    var = expression.var
    return isinstance(var, str) or (getattr(var, "literal", None) is not None and var.lookups is None)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    if (
        node.asvar is None
        and _is_literal(node.filter_expression)
        and (node.message_context is None or _is_literal(node.message_context))
    ):
        node.__class__ = ConstantTranslateNode
        node.generation, node.rendered = None, {}
    return node
