"""The base of every model API: permission-scoped, audited reads and parsed input."""

import copy

from rest_framework import serializers, viewsets
from rest_framework.response import Response

from hrsuite import trail
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.models import BIGINT_MAX
from hrsuite.permissions import global_permission, has_role, restrict
from hrsuite.roles import Role
from hrsuite.selectors import object_get_for
from hrsuite.visibility import SeenByViewer


# The base of every answer about a model: rendered as its viewer may see it, so a field the model
# declares restricted is empty for a viewer whose role may not see it. Give it the request
# (`context=self.get_serializer_context()`), or it renders for nobody. (Comments, not docstrings:
# the API schema would show a docstring as each answer's description.)
#
# The fields a model serializer builds from its model and Meta are the same for every instance,
# and building them (reading the model's fields, their validators and choices) cost an answer
# more than rendering it: they are built once per class, and each instance gets its own copy, as
# DRF gives each its own copy of the declared ones.
#
# A list of them renders all its rows in one viewing scope (`_SeenList`), so what the viewer may
# see of each declared field is worked out once for the list, not once per row.
class ModelOut(SeenByViewer, serializers.ModelSerializer):
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
        return copy.deepcopy(built)


class _SeenList(SeenByViewer, serializers.ListSerializer):
    pass


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
            return type(self).list_selector(user=user, filters=self.request.query_params)
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
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        trail.listed(
            actor=request.user,
            model=queryset.model,
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
