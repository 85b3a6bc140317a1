"""Which fields of a row only HR sees: declared once on each model, concealed from everyone else
wherever a page or an API answer is rendered.

Row policies (`hrsuite.permissions`) decide which rows a viewer sees; this decides which fields
of those rows. HR (whoever holds the global `view` permission of the model: recruiters and HR
admins) sees every field. A declared field is shown to another viewer only when its declaration
names that viewer's role: a candidate sees the salary of their own offer, an interviewer the notes
of their own scorecard, and nobody but HR the reason of a stage change or who made a decision.

A field whose stored value says more than some viewers may know, but whose gist they need, is
presented instead of emptied: `@presented_fields(stage=SeenAs(ALSO_CANDIDATE, present=...))` shows
an application's stage as stored to HR and the candidate, and to an interviewer as it stood while
they interviewed, never what was decided after.

A model declares its fields with `@restricted_fields(reason=HR_ONLY, ...)`. Rendering happens in
a viewing scope: every page is rendered in its viewer's (see `Pages`), every API answer in
its serializer's (see `SeenByViewer`). Inside one, a declared field the viewer may not see reads
as empty (an empty text, `None`, an empty JSON value), however it is reached: a template
following relations, a nested serializer, a dotted `source`, a method field. Outside a scope
(services, tasks, e-mails) fields read as stored, so no write ever starts from a concealed value.
"""

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.middleware.csrf import get_token
from django.template.backends.django import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Jinja2
from django.template.backends.jinja2 import Template as JinjaTemplate
from django.template.backends.utils import csrf_input
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from hrsuite.permissions import global_permission, roles_of
from hrsuite.roles import Role
from hrsuite.templating import translated

# The roles, besides HR, that see a declared field of the rows they see.
HR_ONLY: frozenset[str] = frozenset()
ALSO_CANDIDATE = frozenset({Role.CANDIDATE.value})
ALSO_INTERVIEWER = frozenset({Role.INTERVIEWER.value})

_declared: dict[type[models.Model], dict[str, frozenset[str]]] = {}
_presented: dict[type[models.Model], dict[str, frozenset[str]]] = {}


@dataclass(frozen=True)
class SeenAs:
    """HR and `audience` read the field as stored; anyone else reads `present(row, stored value)`."""

    audience: frozenset[str]
    present: Callable[[models.Model, object], object]


def restricted_fields(**audiences: frozenset[str]):
    """Class decorator: `@restricted_fields(reason=HR_ONLY, salary=ALSO_CANDIDATE)` declares
    which fields of the model HR alone sees, and which other roles also see them."""

    def declare(model: type[models.Model]) -> type[models.Model]:
        _declared[model] = dict(audiences)
        _wrap(model, dict.fromkeys(audiences))
        return model

    return declare


def presented_fields(**fields: SeenAs):
    """Class decorator: `@presented_fields(stage=SeenAs(ALSO_CANDIDATE, present=...))` declares
    fields that HR and the named roles read as stored, and everyone else as presented."""

    def declare(model: type[models.Model]) -> type[models.Model]:
        _presented[model] = {name: seen.audience for name, seen in fields.items()}
        _wrap(model, {name: seen.present for name, seen in fields.items()})
        return model

    return declare


def _wrap(model: type[models.Model], presenters: dict[str, Callable | None]) -> None:
    for name, present in presenters.items():
        field = model._meta.get_field(name)
        for attribute in dict.fromkeys((field.name, field.attname)):
            setattr(model, attribute, _Concealable(model.__dict__[attribute], field, present))


def declared() -> dict[type[models.Model], dict[str, frozenset[str]]]:
    """Every model's declared fields with the roles that also see them (not the presented ones:
    those are never empty)."""
    return {model: dict(fields) for model, fields in _declared.items()}


def presented(model: type[models.Model], name: str) -> bool:
    """Whether field `name` of `model` is presented to some viewers (its presentation may read
    other fields of the row)."""
    return name in _presented.get(model, {})


def stored(instance: models.Model, name: str):
    """A field's value as stored, whoever is reading: what a presenter starts from."""
    token = _scope.set(None)
    try:
        return getattr(instance, name)
    finally:
        _scope.reset(token)


def may_see(viewer, model: type[models.Model], name: str) -> bool:
    """Whether `viewer` (a user; None or anonymous for nobody) sees field `name` of the `model`
    rows they see as stored. A page opened through a candidate's e-mailed link has no signed-in
    reader: it shows no declared field."""
    audience = _declared.get(model, {}).get(name, _presented.get(model, {}).get(name))
    if audience is None:
        return True
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_active):
        return False
    if viewer.has_perm(global_permission(model, "view")):
        return True
    return bool(audience & roles_of(viewer))


class _Scope:
    """One viewer's rendering; what they may see is worked out once per field."""

    def __init__(self, viewer):
        self.viewer = viewer
        self._seen: dict[tuple[type[models.Model], str], bool] = {}

    def conceals(self, model: type[models.Model], name: str) -> bool:
        key = (model, name)
        if key not in self._seen:
            self._seen[key] = may_see(self.viewer, model, name)
        return not self._seen[key]


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("hrsuite_viewing", default=None)


@contextmanager
def viewing(viewer) -> Iterator[None]:
    """Render what is inside as `viewer` sees it (None: a viewer who may see no declared field).
    Within a scope for the same viewer, a nested one changes nothing."""
    current = _scope.get()
    if current is not None and current.viewer is viewer:
        yield
        return
    token = _scope.set(_Scope(viewer))
    try:
        yield
    finally:
        _scope.reset(token)


class _Concealable:
    """Wraps a declared field's descriptor: inside a viewing scope whose viewer may not see the
    field, reads give its empty value (or, for a presented field, its presentation); otherwise
    reads, writes and Django's own use of the descriptor (deferred loading, prefetching,
    caching) are the wrapped descriptor's."""

    def __init__(self, wrapped, field: models.Field, present: Callable | None = None):
        self._wrapped = wrapped
        self._field = field
        self._present = present

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        scope = _scope.get()
        if scope is not None and scope.conceals(self._field.model, self._field.name):
            if self._present is None:
                return _empty(self._field)
            return self._present(instance, stored(instance, self._field.name))
        return self._wrapped.__get__(instance, owner)

    def __set__(self, instance, value):
        if hasattr(self._wrapped, "__set__"):
            self._wrapped.__set__(instance, value)
        else:
            instance.__dict__[self._wrapped.field.attname] = value

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


def _empty(field: models.Field):
    if field.is_relation or field.null:
        return None
    if field.has_default() and callable(field.default):
        return field.default()
    return ""


# --- Where rendering happens -------------------------------------------------------------------


class Template(DjangoTemplate):
    """A template rendered, when it has a request, as the request's user may see it."""

    def render(self, context=None, request=None):
        if request is None:
            return super().render(context, request)
        with viewing(getattr(request, "user", None)):
            return super().render(context, request)


class Templates(DjangoTemplates):
    """Django's template engine (e-mails, the browsable API, the admin), rendering in the viewer's
    scope when it has a request. Messages rendered without one (e-mails) are not pages: they are
    rendered as stored."""

    def from_string(self, template_code):
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


class PageTemplate(JinjaTemplate):
    """A page, rendered in its viewer's scope. Its forms share one CSRF token, made when the first
    is printed (Django's Jinja2 template makes a new one for every form printed)."""

    def render(self, context=None, request=None):
        context = {} if context is None else context
        if request is None:
            return self.template.render(context)
        context["request"] = request
        context["csrf_input"] = SimpleLazyObject(functools.partial(csrf_input, request))
        context["csrf_token"] = SimpleLazyObject(functools.partial(get_token, request))
        for processor in self.backend.template_context_processors:
            context.update(processor(request))
        context.update(translated.in_language(get_language()))
        with viewing(getattr(request, "user", None)):
            return self.template.render(context)


class Pages(Jinja2):
    """The pages' engine (Jinja2, `hrsuite.templating`), rendering each page in its viewer's scope."""

    def from_string(self, template_code):
        return PageTemplate(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        return PageTemplate(super().get_template(template_name).template, self)


# Serializer mixin: the answer is rendered as the request's user (or `context["viewer"]`) sees it;
# a serializer given neither renders for nobody, so it shows no declared field. (A comment, not a
# docstring: the API schema would show it as the description of every answer.)
#
# A list renders each row, and each nested serializer, inside the scope its first row opened:
# then no scope is opened again (`viewing` would change nothing but cost a context manager).
class SeenByViewer:
    def to_representation(self, instance):
        context = self.context
        viewer = context["viewer"] if "viewer" in context else getattr(context.get("request"), "user", None)
        current = _scope.get()
        if current is not None and current.viewer is viewer:
            return super().to_representation(instance)
        with viewing(viewer):
            return super().to_representation(instance)
