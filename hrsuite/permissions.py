"""The permission choke point. Every page, API, export and count starts from `restrict()`.

Users whose role grants the global `<app>.<action>_<model>` permission (recruiters, HR admins for
`view`) see the whole table without any permission join. Everyone else sees what the model's
registered policy lets them: objects they were granted through an assignment (django-guardian
direct-foreign-key rows), or objects that are their own (a candidate's records).
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

from hrsuite.accounts.models import Role

Policy = Callable[[object, str], Q | None]
_policies: dict[type[models.Model], Policy] = {}


def object_policy(model: type[models.Model]):
    """Register who may do what to `model` without the global permission: `(user, action) -> Q`."""

    def register(policy: Policy) -> Policy:
        _policies[model] = policy
        return policy

    return register


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_hrsuite_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hrsuite_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role.value in roles_of(user)


def global_permission(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def restrict(queryset: models.QuerySet, *, user, action: str = "view") -> models.QuerySet:
    model = queryset.model
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return queryset.none()
    if user.has_perm(global_permission(model, action)):
        return queryset
    policy = _policies.get(model)
    condition = policy(user, action) if policy else None
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def may(user, action: str, model: type[models.Model]) -> bool:
    """Whether `user` may do `action` to some `model` objects at all (before looking at one)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.has_perm(global_permission(model, action)):
        return True
    policy = _policies.get(model)
    return policy is not None and policy(user, action) is not None


def granted(permission_model: type[models.Model], *, user, codename: str) -> Q:
    """Objects on which `user` holds `codename` through a guardian direct-foreign-key row."""
    permission_id = _permission_id(user, permission_model, codename)
    grants = permission_model.objects.filter(user=user, permission_id=permission_id)
    return Q(pk__granted_in=grants.values("content_object_id"))


@models.UUIDField.register_lookup
class GrantedIn(models.Lookup):
    """`pk IN (grants)`, written on PostgreSQL as `pk = ANY(ARRAY(grants))`.

    What assignments grant is a few thousand objects at most. As a plain IN, PostgreSQL walks
    the whole table in list order and probes the grants row by row, which grows with the table;
    as an array it reads the grants first and fetches just those rows, then sorts them.
    """

    lookup_name = "granted_in"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (lhs, rhs), [*lhs_params, *rhs_params]


def _permission_id(user, permission_model: type[models.Model], codename: str) -> int | None:
    from django.contrib.auth.models import Permission

    cache = user.__dict__.setdefault("_hrsuite_permission_ids", {})
    target = permission_model._meta.get_field("content_object").related_model
    key = (target._meta.label_lower, codename)
    if key not in cache:
        cache[key] = (
            Permission.objects.filter(content_type__app_label=target._meta.app_label, codename=codename)
            .values_list("pk", flat=True)
            .first()
        )
    return cache[key]


_ACTION_BY_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ModelActionPermission(BasePermission):
    """Signed-in users may read (what `restrict` shows them); writes need the model permission
    or a policy that grants the write, so an HR admin gets 403 on every write."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        # `write_actions` maps a view action to "action", or to (model, "action") where the write
        # is judged on another model (posting an assessment is an action on its interview).
        declared = getattr(view, "write_actions", {}).get(view.action)
        model, action = declared if isinstance(declared, tuple) else (view.queryset.model, declared)
        return may(user, action or _ACTION_BY_METHOD.get(request.method, "change"), model)


def _is_person(actor) -> bool:
    return getattr(actor, "pk", None) is not None


def require(actor, action: str, model: type[models.Model]) -> None:
    """Services call this before a write; system actors (tasks, commands) pass a label instead."""
    from hrsuite.errors import Forbidden

    if _is_person(actor) and not may(actor, action, model):
        raise Forbidden(f"You may not {action} {model._meta.verbose_name_plural}.")


def get_for_change(queryset: models.QuerySet, *, user, pk, action: str = "change"):
    """The row locked for a write the actor may make; Forbidden where they may only look at it
    (callers have already found it through `restrict(..., "view")`)."""
    from hrsuite.errors import Forbidden

    if not _is_person(user):
        return queryset.select_for_update(of=("self",)).get(pk=pk)
    try:
        return restrict(queryset, user=user, action=action).select_for_update(of=("self",)).get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Forbidden(f"You may not {action} this {queryset.model._meta.verbose_name}.") from None
