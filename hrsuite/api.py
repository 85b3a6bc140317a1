"""The base of every model API: permission-scoped, audited reads and parsed input."""

import copy
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from rest_framework import serializers, viewsets
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.response import Response

from hrsuite import trail
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.fields import EncryptedJSONField
from hrsuite.models import BIGINT_MAX, ColumnsProperty
from hrsuite.permissions import global_permission, has_role, restrict
from hrsuite.roles import Role
from hrsuite.selectors import object_get_for
from hrsuite.visibility import SeenByViewer, presented


# The base of every answer about a model: rendered as its viewer may see it, so a field the model
# declares restricted is empty for a viewer whose role may not see it. Give it the request
# (`context=self.get_serializer_context()`), or it renders for nobody. (Comments, not docstrings:
# the API schema would show a docstring as each answer's description.)
#
# The fields a model serializer builds from its model and Meta are the same for every instance,
# and building them (reading the model's fields, their validators and choices) cost an answer
# more than rendering it: they are built once per class, and each instance gets its own copy, as
# DRF gives each its own copy of the declared ones (`_own_copy`).
#
# A list of them renders all its rows in one viewing scope (`_SeenList`), so what the viewer may
# see of each declared field is worked out once for the list, not once per row; and each row
# through the fields' `_Reading` (`_ModelRows`).
class _ModelRows:
    def to_representation(self, instance):
        readings = self.__dict__.get("_readings")
        if readings is None:
            fields = self.fields
            readings = self._readings = [
                _Reading(name, fields[name], path, pk_only) for name, path, pk_only in _plan(self)
            ]
        by_path = isinstance(instance, self.Meta.model)
        row = {}
        for name, field, path, pk_only in readings:
            if path is not None and by_path:
                value = instance
                try:
                    for attname in path:
                        value = getattr(value, attname)
                except ObjectDoesNotExist:
                    value = None
                except AttributeError:
                    # Through an empty relation: DRF's own reading gives the field's default.
                    value = _drf_reading(field, instance)
                    if value is SkipField:
                        continue
                if value is None or pk_only:
                    row[name] = value
                else:
                    row[name] = field.to_representation(value)
                continue
            value = _drf_reading(field, instance)
            if value is SkipField:
                continue
            check_for_none = value.pk if isinstance(value, PKOnlyObject) else value
            row[name] = None if check_for_none is None else field.to_representation(value)
        return row


class ModelOut(SeenByViewer, _ModelRows, serializers.ModelSerializer):
    # An encrypted JSON field answers as the JSON it holds, not as the text of a document.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        EncryptedJSONField: serializers.JSONField,
    }
    _built_fields: dict[type, dict] = {}

    @classmethod
    def many_init(cls, *args, **kwargs):
        rows = super().many_init(*args, **kwargs)
        if type(rows) is serializers.ListSerializer:
            rows.__class__ = _SeenList
        return rows

    def get_fields(self):
        built = ModelOut._built_fields.get(type(self))
        if built is None:
            built = ModelOut._built_fields[type(self)] = super().get_fields()
        return {name: _own_copy(field) for name, field in built.items()}


class _SeenList(SeenByViewer, serializers.ListSerializer):
    pass


def _own_copy(field):
    """A field of its own for one serializer instance. A plain field is copied with its
    attributes, which rendering only reads (binding sets its name and parent on the copy); a
    nested serializer is copied deeply, as DRF copies every field: it holds fields of its own.
    The deep copy of every field (each made again from its arguments) cost a candidate's file
    more than rendering it."""
    if isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    clone = field.__class__.__new__(field.__class__)
    clone.__dict__.update(field.__dict__)
    return clone


class _Reading(NamedTuple):
    """How a row's value of one field is read. `path`: attribute names to follow from the row
    (the model's own column, or forward relations to one), where that reads exactly what DRF's
    `get_attribute` would (no callables, mappings or reverse relations on the way); None for
    DRF's own reading. `pk_only`: the value is the key itself, as DRF's primary key field
    renders a relation without loading it."""

    name: str
    field: Field
    path: list[str] | None
    pk_only: bool


# By serializer class: how each of its fields is read, as (name, path, pk_only). The same for
# every instance, whose fields are copies of the same built ones.
_plans: dict[type, list[tuple[str, list[str] | None, bool]]] = {}


def _plan(serializer) -> list[tuple[str, list[str] | None, bool]]:
    plan = _plans.get(type(serializer))
    if plan is None:
        plan = _plans[type(serializer)] = [
            (reading.name, reading.path, reading.pk_only) for reading in _readings(serializer)
        ]
    return plan


def _readings(serializer) -> list[_Reading]:
    model = serializer.Meta.model
    readings = []
    for field in serializer.fields.values():
        if field.write_only:
            continue
        path, pk_only = None, False
        if not field.source_attrs:  # the whole row ("*"), as a method field reads it
            pass
        elif type(field) is PrimaryKeyRelatedField:
            if field.pk_field is None and len(field.source_attrs) == 1:
                column = _column(model, field.source_attrs)
                if column is not None and column[-1].is_relation:
                    path, pk_only = [column[-1].attname], True
        elif type(field).get_attribute is Field.get_attribute and not isinstance(
            field, serializers.BaseSerializer
        ):
            column = _column(model, field.source_attrs)
            # A column, or the key of a relation read as its column ("application.candidate_id").
            if column is not None and (
                not column[-1].is_relation or field.source_attrs[-1] == column[-1].attname
            ):
                path = [step.name for step in column[:-1]] + [column[-1].attname]
        readings.append(_Reading(field.field_name, field, path, pk_only))
    return readings


class _ColumnsStep(NamedTuple):
    """The last step of a reading that ends at a `ColumnsProperty`: read by its name, shown from
    its columns."""

    name: str
    columns: tuple[str, ...]
    model: type
    is_relation: bool = False

    @property
    def attname(self) -> str:
        return self.name


def _column(model, source_attrs):
    """The model fields `source_attrs` follows from `model`: forward relations (by name) to a
    concrete field (by name or column), or to a property read from the model's own columns
    (`ColumnsProperty`); None where it reads anything else."""
    steps = []
    for i, attr in enumerate(source_attrs):
        if steps and not (steps[-1].is_relation and source_attrs[len(steps) - 1] == steps[-1].name):
            return None  # only an object of a relation is read on from
        try:
            step = model._meta.get_field(attr)
        except FieldDoesNotExist:  # a property or method: read as DRF reads it
            made = getattr(model, attr, None)
            if isinstance(made, ColumnsProperty) and i == len(source_attrs) - 1:
                steps.append(_ColumnsStep(attr, made.columns, model))
                return steps
            return None
        if not step.concrete or step.many_to_many or attr not in (step.name, step.attname):
            return None
        steps.append(step)
        model = step.related_model
    return steps


def reading_shown(rows: models.QuerySet, serializer_class) -> models.QuerySet:
    """`rows` reading only the columns `serializer_class` shows of them (and of the relations it
    shows them through), where every field it shows is a column or a key (see `_Reading`) and
    the rows read nothing else on their way (no prefetch; no joined relation it does not show).
    A list's rows carry every column otherwise: an interviewer's 25 interviews with their
    applications, candidates and positions were 49 columns a row, 16 of them shown."""
    columns = _shown_columns(serializer_class)
    if columns is None or rows._fields is not None or rows._prefetch_related_lookups:
        return rows
    joined = rows.query.select_related
    if joined is True or not _covers(columns, _paths(joined) if joined else []):
        return rows
    return rows.only(*columns)


_shown: dict[type, list[str] | None] = {}


def _shown_columns(serializer_class) -> list[str] | None:
    """The `only()` names of what a `ModelOut` shows, or None where it shows anything but columns."""
    if serializer_class not in _shown:
        columns = None
        if issubclass(serializer_class, _ModelRows):
            model = serializer_class.Meta.model
            readings = _readings(serializer_class(context={}))
            if all(reading.path is not None for reading in readings):
                columns = []
                for reading in readings:
                    steps = _column(model, reading.field.source_attrs)
                    if any(presented(step.model, step.name) for step in steps):
                        columns = None  # its presentation reads more of the row
                        break
                    names = [step.name for step in steps]
                    if isinstance(steps[-1], _ColumnsStep):
                        columns.extend(LOOKUP_SEP.join([*names[:-1], name]) for name in steps[-1].columns)
                    else:
                        columns.append(LOOKUP_SEP.join(names))
        _shown[serializer_class] = columns
    return _shown[serializer_class]


def _paths(joined: dict, prefix: tuple = ()) -> list[tuple]:
    """The relation paths of a `select_related` tree, each as a tuple of names."""
    paths = []
    for name, below in joined.items():
        paths.append((*prefix, name))
        paths.extend(_paths(below, (*prefix, name)))
    return paths


def _covers(columns: list[str], paths: list[tuple]) -> bool:
    """Whether each joined relation leads to a shown column."""
    shown = [tuple(column.split(LOOKUP_SEP)) for column in columns]
    return all(any(column[: len(path)] == path for column in shown) for path in paths)


def _drf_reading(field, instance):
    """A field's value of a row as DRF reads it, or SkipField where DRF leaves the field out."""
    try:
        return field.get_attribute(instance)
    except SkipField:
        return SkipField


class IntegerKeyField(serializers.IntegerField):
    """The integer key of a row (a user's): a field error past what the key column holds, as
    for any other bad value, instead of a query the database refuses."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class Created(serializers.Serializer):
    """The answer to a create that returns only the new object's id."""

    id = serializers.UUIDField()


class ScopedViewSet(viewsets.GenericViewSet):
    """The one read path of the API: lists and details go through a selector (which starts from
    `restrict()`) and into the audit trail.

    Subclasses set `list_selector(user=, filters=)` and `detail_queryset(user=)`; a list records
    one event with the ids it returned, a retrieve one `view` event. Missing and forbidden are the
    same 404.
    """

    list_selector = None
    detail_queryset = None
    # The list's filters as its audit event keeps them; an API whose filters carry personal data
    # (a searched e-mail) replaces this so the trail holds none.
    trail_query = staticmethod(lambda params: {k: v for k, v in params.items() if k != "format"})
    serializers_by_scope: dict[str, type] = {}

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            rows = type(self).list_selector(user=user, filters=self.request.query_params)
            return reading_shown(rows, self.get_serializer_class())
        return restrict(type(self).detail_queryset(user=user), user=user)

    def get_serializer_class(self):
        return (
            self.serializers_by_scope.get(scope_of(self.request.user, self.queryset.model))
            or self.serializer_class
        )

    def visible_object(self):
        return object_get_for(
            type(self).detail_queryset(user=self.request.user), user=self.request.user, pk=self.kwargs["pk"]
        )

    def list(self, request, *args, **kwargs):
        # `get_queryset` gives the paginator a queryset, or what a view's own pagination reads
        # instead (the audit trail's: its chain and its unchained events); the model is the view's.
        page = self.paginate_queryset(self.get_queryset())
        trail.listed(
            actor=request.user,
            model=self.queryset.model,
            ids=[row.pk for row in page],
            detail={"query": type(self).trail_query(request.query_params)},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.visible_object()).data)


def scope_of(user, model) -> str:
    """Which view of `model` a user gets: `staff` (global permission), or their role's name."""
    if user.has_perm(global_permission(model, "view")):
        return "staff"
    for role in (Role.INTERVIEWER, Role.CANDIDATE, Role.INTEGRATION):
        if has_role(user, role):
            return role.value
    return "none"


def validated(serializer_class, data, **kwargs) -> dict:
    """Input parsed by a serializer; field errors raise before any write."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def referenced(queryset, *, user, pk, field: str):
    """An object named in a request body: one the actor may see (audited), else a field error."""
    try:
        return object_get_for(queryset, user=user, pk=pk)
    except NotFound as exc:
        raise ValidationFailed(exc.message, fields={field: [exc.message]}) from None
