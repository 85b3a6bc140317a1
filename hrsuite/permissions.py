"""The permission choke point. Every page, API, export and count starts from `restrict()`.

Users whose role grants the global `<app>.<action>_<model>` permission (recruiters, HR admins for
`view`) see the whole table without any permission join. Everyone else sees what the model's
registered policy lets them: objects they were granted through an assignment (django-guardian
direct-foreign-key rows), or objects that are their own (a candidate's records).

A candidate acting through a signed link in their e-mail has no account: they act as a
`LinkActor`, which names the candidate and the link, and may act only on objects whose candidate
is that one, and only as the rules its app registered for that link (`link_rule`) let it.
`restrict()`, `may()`, `require()` and `get_for_change()` all apply it, so a service called
directly with a link actor is held to it too.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission

from hrsuite import trail
from hrsuite.roles import Role

Policy = Callable[[object, str], Q | None]
_policies: dict[type[models.Model], Policy] = {}


def object_policy(model: type[models.Model]):
    """Register who may do what to `model` without the global permission: `(user, action) -> Q`."""

    def register(policy: Policy) -> Policy:
        _policies[model] = policy
        return policy

    return register


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per user object (with their permissions, see `access_of`)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return access_of(user)[0]


def access_of(user) -> tuple[frozenset[str], frozenset[str]]:
    """The user's role names and the permissions ("app_label.codename") their account and roles
    hold, read together once per user object.

    Every signed-in request needs both (the menu and the pages' role checks the roles; `restrict()`
    the permissions); read apart, as `user.groups` and Django's ModelBackend do, they are three
    queries a request. The backend takes the permissions from here (`accounts.sign_in_limits`)."""
    cached = getattr(user, "_hrsuite_access", None)
    if cached is None:
        cached = user._hrsuite_access = _read_access(user.pk)
    return cached


def _read_access(user_id) -> tuple[frozenset[str], frozenset[str]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    qn = connection.ops.quote_name
    groups = get_user_model()._meta.get_field("groups")
    direct = get_user_model()._meta.get_field("user_permissions")
    granted = Group._meta.get_field("permissions")
    user_groups = f"{qn(groups.m2m_db_table())} ug"
    permission = f"{qn(Permission._meta.db_table)} p JOIN {qn(ContentType._meta.db_table)} ct"
    permission += " ON ct.id = p.content_type_id"
    # Table and column names from the models' metadata, the user's id as a parameter.
    sql = (
        f"SELECT 'role', g.name, '' FROM {qn(Group._meta.db_table)} g JOIN {user_groups}"  # noqa: S608
        f" ON ug.{qn(groups.m2m_reverse_name())} = g.id WHERE ug.{qn(groups.m2m_column_name())} = %s"
        f" UNION ALL SELECT 'permission', ct.app_label, p.codename FROM {permission}"
        f" JOIN {qn(direct.m2m_db_table())} up ON up.{qn(direct.m2m_reverse_name())} = p.id"
        f" WHERE up.{qn(direct.m2m_column_name())} = %s"
        f" UNION ALL SELECT 'permission', ct.app_label, p.codename FROM {permission}"
        f" JOIN {qn(granted.m2m_db_table())} gp ON gp.{qn(granted.m2m_reverse_name())} = p.id"
        f" JOIN {user_groups} ON ug.{qn(groups.m2m_reverse_name())} = gp.{qn(granted.m2m_column_name())}"
        f" WHERE ug.{qn(groups.m2m_column_name())} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id, user_id])
        rows = cursor.fetchall()
    roles = frozenset(name for kind, name, _ in rows if kind == "role")
    permissions = frozenset(f"{app}.{codename}" for kind, app, codename in rows if kind == "permission")
    return roles, permissions


def has_role(user, role: Role) -> bool:
    return role.value in roles_of(user)


def global_permission(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


# --- Candidates acting through a signed link ---------------------------------------------------


@dataclass(frozen=True)
class LinkActor:
    """A candidate acting through one of the signed links in their e-mails, named by the link's
    kind (as its rules are registered, see `link_rule`). In the audit trail it is
    `candidate-link:<candidate id>`."""

    candidate_id: uuid.UUID
    link: str

    def __str__(self) -> str:
        return f"candidate-link:{self.candidate_id}"


# What each link may do, by (link, model): (actions, further conditions on the row). Always only on
# objects whose candidate is the link's own. A link with no rule registered may do nothing through
# `restrict()` (its services take the candidate from the link itself).
LinkRule = tuple[frozenset[str], dict]
_link_rules: dict[tuple[str, type[models.Model]], LinkRule] = {}
# The model whose id a link actor carries: the candidate (see `link_owner`).
_link_owner: type[models.Model] | None = None


def link_rule(
    link: str, model: type[models.Model], *, actions: Iterable[str], where: dict | None = None
) -> None:
    """Register what a candidate acting through a `link` of this kind may do to `model`: `actions`,
    on the rows that are their own and match the lookups in `where`."""
    _link_rules[(link, model)] = (frozenset(actions), dict(where or {}))


def link_owner(model: type[models.Model]) -> None:
    """Register the model whose id a `LinkActor` carries (the candidate): a row is a link actor's
    own when its foreign keys lead to that id."""
    global _link_owner
    _link_owner = model
    _candidate_paths.clear()


_candidate_paths: dict[type[models.Model], str | None] = {}


def candidate_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to the id of its candidate, along foreign keys, shortest first:
    "application__candidate_id" for an interview, "plan__application__candidate_id" for an
    onboarding task; None when the model belongs to no candidate."""
    if model not in _candidate_paths:
        _candidate_paths[model] = _find_candidate_path(model)
    return _candidate_paths[model]


def _find_candidate_path(model: type[models.Model], max_depth: int = 4) -> str | None:
    if model is _link_owner:
        return "pk"
    level: list[tuple[type[models.Model], str]] = [(model, "")]
    for _ in range(max_depth):
        following = []
        for current, prefix in level:
            for field in current._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                    continue
                target = field.related_model
                if target is _link_owner:
                    return f"{prefix}{field.name}_id"
                following.append((target, f"{prefix}{field.name}__"))
        level = following
    return None


def link_condition(model: type[models.Model], actor: LinkActor, action: str) -> Q | None:
    """The rows of `model` that `actor` may `action`, or None when its link may not at all."""
    actions, conditions = _link_rules.get((actor.link, model), (frozenset(), {}))
    path = candidate_path(model)
    if action not in actions or path is None:
        return None
    return Q(**{path: actor.candidate_id}, **conditions)


def _refuse_link_label(actor) -> None:
    """A candidate's link acts as a LinkActor: a bare text label would pass as a system actor."""
    from hrsuite.errors import Forbidden

    if isinstance(actor, str) and actor.startswith("candidate-link:"):
        raise Forbidden("A candidate's link acts as a LinkActor, never as a text label.")


# --- The choke point -------------------------------------------------------------------------------


def restrict(queryset: models.QuerySet, *, user, action: str = "view") -> models.QuerySet:
    model = queryset.model
    if isinstance(user, LinkActor):
        condition = link_condition(model, user, action)
        return queryset.none() if condition is None else queryset.filter(condition)
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
    if isinstance(user, LinkActor):
        return link_condition(model, user, action) is not None
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.has_perm(global_permission(model, action)):
        return True
    policy = _policies.get(model)
    return policy is not None and policy(user, action) is not None


class Granted(Q):
    """What `granted()` gives: the objects on which `user` holds a permission through guardian
    direct-foreign-key rows (`grants`). It says how the objects reach those rows (`joined`), so
    that a list of what a user sees only through them can be read along them
    (`restrict_in_grant_order`)."""

    def __init__(self, permission_model: type[models.Model], *, user, permission_id: int | None):
        self.grants = permission_model.objects.filter(user=user, permission_id=permission_id)
        # What assignments grant is a few thousand objects at most (see `InFew`).
        super().__init__(pk__in_few=self.grants.values("content_object_id"))
        self.via = permission_model._meta.get_field("content_object").related_query_name()
        self.joined = {f"{self.via}__user": user, f"{self.via}__permission_id": permission_id}


def granted(permission_model: type[models.Model], *, user, codename: str) -> Q:
    """Objects on which `user` holds `codename` through a guardian direct-foreign-key row.

    Made once per user object: a list and its keys both restrict along the same grants (their
    rows are read when each query runs)."""
    made = user.__dict__.setdefault("_hrsuite_granted", {})
    key = (permission_model, codename)
    if key not in made:
        permission_id = _permission_id(permission_model, codename)
        made[key] = Granted(permission_model, user=user, permission_id=permission_id)
    return made[key]


def _granted_only(model: type[models.Model], user, action: str) -> Granted | None:
    """The policy's `granted()` condition, for a user who sees `model` only through it."""
    if isinstance(user, LinkActor) or not (getattr(user, "is_authenticated", False) and user.is_active):
        return None
    if user.has_perm(global_permission(model, action)):
        return None
    policy = _policies.get(model)
    condition = policy(user, action) if policy else None
    # A condition made from a `Granted` (combined with another, negated) is a `Granted` too, but
    # one made by Django's `Q.create()`, without the grants: its rows are not the grants'.
    return condition if getattr(condition, "joined", None) is not None else None


def restrict_in_grant_order(
    queryset: models.QuerySet, *, user, action: str = "view"
) -> models.QuerySet | None:
    """`restrict()` for a list that a user who sees its rows only through their grants (an
    interviewer's assigned candidates) reads newest grant first; None for anyone else.

    The rows are joined to the grants (one each: a grant is unique per user, permission and
    object) and paged along the grants' (user, permission, id) index, so a page reads its own
    rows and no others, however many the user holds. Ordered by a column of the rows instead,
    every granted row (30,000 for a busy interviewer) is read and sorted to show 25."""
    condition = _granted_only(queryset.model, user, action)
    if condition is None:
        return None
    return queryset.filter(**condition.joined).order_by(f"-{condition.via}__id")


def granted_keys(model: type[models.Model], *, user, action: str = "view") -> models.QuerySet | None:
    """The keys of the rows `restrict()` gives a user who sees `model` only through their grants,
    newest grant first (the order of `restrict_in_grant_order`); None for anyone else. A page
    of them is picked from the grants' index, then only that page's rows are read
    (`KeysFirstPaginator`): skipping to page 400 steps over 10,000 index entries, not 10,000 rows."""
    condition = _granted_only(model, user, action)
    return (
        None
        if condition is None
        else condition.grants.order_by("-id").values_list("content_object_id", flat=True)
    )


def granted_count(model: type[models.Model], *, user, action: str = "view") -> int | None:
    """How many rows `restrict()` gives a user who sees `model` only through their grants,
    counted on the grants' own index (a grant names an existing object, once); None for anyone
    else. A COUNT over the rows themselves reads each granted row."""
    condition = _granted_only(model, user, action)
    return None if condition is None else condition.grants.count()


# The ids of the permissions `granted()` looks for, by (model label, codename), kept for the
# process: migrations make them, and nothing else changes them. Read each request, they cost an
# interviewer's every page and API call a query. `forget_permission_ids` empties this after every
# migrate and flush, which may make them again under new ids.
_permission_ids: dict[tuple[str, str], int] = {}


def _permission_id(permission_model: type[models.Model], codename: str) -> int | None:
    from django.contrib.auth.models import Permission

    target = permission_model._meta.get_field("content_object").related_model
    key = (target._meta.label_lower, codename)
    if key not in _permission_ids:
        found = (
            Permission.objects.filter(content_type__app_label=target._meta.app_label, codename=codename)
            .values_list("pk", flat=True)
            .first()
        )
        if found is None:
            # Not made yet (before the first migrate): looked for again next time.
            return None
        _permission_ids[key] = found
    return _permission_ids[key]


def forget_permission_ids(**kwargs) -> None:
    """A `post_migrate` receiver: the permissions may have been made again under other ids."""
    _permission_ids.clear()


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


# The actions refusals name, in the request's language (English: the action's own name).
_ACTION_NAMES = {
    "add": pgettext_lazy("permission action", "add"),
    "change": pgettext_lazy("permission action", "change"),
    "delete": pgettext_lazy("permission action", "delete"),
    "view": pgettext_lazy("permission action", "view"),
    "assess": pgettext_lazy("permission action", "assess"),
    "answer": pgettext_lazy("permission action", "answer"),
    "upload": pgettext_lazy("permission action", "upload"),
    "confirm": pgettext_lazy("permission action", "confirm"),
    "request_review": pgettext_lazy("permission action", "request_review"),
}


def _action_name(action: str) -> str:
    return str(_ACTION_NAMES.get(action, action))


def require(actor, action: str, model: type[models.Model]) -> None:
    """Services call this before a write. People and link actors are held to their permissions;
    system actors (tasks, commands, webhooks) pass a text label instead."""
    from hrsuite.errors import Forbidden

    _refuse_link_label(actor)
    if (_is_person(actor) or isinstance(actor, LinkActor)) and not may(actor, action, model):
        raise Forbidden(
            gettext("You may not %(action)s %(objects)s.")
            % {"action": _action_name(action), "objects": model._meta.verbose_name_plural}
        )


def get_for_change(queryset: models.QuerySet, *, user, pk, action: str = "change"):
    """The row locked for a write the actor may make; Forbidden where they may only look at it
    (callers have already found it through `restrict(..., "view")`). A link actor gets only its
    own candidate's rows, as its link allows; a system label gets the row."""
    from hrsuite.errors import Forbidden

    _refuse_link_label(user)
    if not (_is_person(user) or isinstance(user, LinkActor)):
        return queryset.select_for_update(of=("self",)).get(pk=pk)
    try:
        return restrict(queryset, user=user, action=action).select_for_update(of=("self",)).get(pk=pk)
    except queryset.model.DoesNotExist:
        label = queryset.model._meta.label_lower
        trail.refused(actor=user, target_type=label, target_id=str(pk), action=action)
        raise Forbidden(
            gettext("You may not %(action)s this %(object)s.")
            % {"action": _action_name(action), "object": queryset.model._meta.verbose_name}
        ) from None
