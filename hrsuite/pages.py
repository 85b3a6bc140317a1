"""The base of every signed-in page: who may open a section, and permission-scoped, audited reads.

Pages read through the same selectors and `restrict()` as the API, and write the same audit events:
a list page is one `list` event with the ids it shows, an object page one `view` event. A forbidden
object answers like a missing one (404), so ids cannot be probed from the browser either.
"""

from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from hrsuite import trail
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.permissions import roles_of
from hrsuite.roles import Role
from hrsuite.selectors import object_get_for
from hrsuite.tallies import tallied_count

PAGE_SIZE = 25


def role_required(*roles: Role) -> Callable:
    """Signed-in users holding one of `roles`; others are sent to sign in, or refused (403).

    Pages hold personal data, so no browser or proxy may keep a copy (`never_cache`).
    """
    names = {role.value for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not names & roles_of(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return never_cache(wrapper)

    return decorator


class KeysFirstPaginator(Paginator):
    """Finds a page's keys first, in `object_list`'s `key` column, then reads only those rows
    from `rows`.

    For a list filtered through another table (candidates with an application for a position),
    the database can then choose and sort the page from an index alone, instead of reading the
    whole row of every match to keep 25 of them. `rows` need not repeat the filters that chose
    the keys: beside a second `id = ANY(...)` list, PostgreSQL (before 17) tries every pair of
    the two lists' keys, and reading 25 of a position's 3,000 applicants took 3 ms, not 0.5.
    With `key=None`, `object_list` yields the keys themselves (a flat `values_list`).

    `listed` names other columns of `object_list` read with the keys: each row shown then has
    `list_row`, those values (a dict) as the list had them when it was paged (the group an
    interviewer's assignment was listed in, say), though the row itself is read a moment later.
    """

    def __init__(self, object_list, per_page, *, rows: models.QuerySet, key: str | None = "pk", listed=()):
        super().__init__(object_list, per_page)
        self.rows = rows
        self.key = key
        self.listed = tuple(listed)

    def page(self, number):
        number = self.validate_number(number)
        # As Paginator.page: a list counted short of its end (see `count`) ends at the count.
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if not self.listed:
            keys = self.object_list if self.key is None else self.object_list.values_list(self.key, flat=True)
            keys = list(keys[bottom:top])
            return self._get_page(_in_key_order(self.rows, keys), number, self)
        listed = {row[self.key]: row for row in self.object_list.values(self.key, *self.listed)[bottom:top]}
        rows = _in_key_order(self.rows, list(listed))
        for row in rows:
            row.list_row = listed[row.pk]
        return self._get_page(rows, number, self)


def _in_key_order(queryset: models.QuerySet, keys: list) -> list:
    """The rows of `queryset` with these primary keys, in the order of `keys`."""
    rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
    return [rows[key] for key in keys if key in rows]


def audited_page(
    request,
    queryset: models.QuerySet,
    *,
    per_page: int = PAGE_SIZE,
    detail=None,
    count: int | None = None,
    keys: models.QuerySet | None = None,
    key: str = "pk",
    listed=(),
) -> Page:
    """One page of a permission-scoped queryset, recorded as one `list` event with its ids.

    A page number past the end shows the last page; one that is not a number, the first.
    `count`, when the caller already knows how many rows there are (or has a cheaper way to
    count them), spares the paginator its own COUNT over the list, as the tallies of a whole
    tallied table do (`hrsuite.tallies`).

    `keys`, when given, is the list itself, filtered and sorted: its `key` column holds the
    primary keys of `queryset`, which the page's rows are then read from (`KeysFirstPaginator`,
    which also reads the `listed` columns of the keys' rows). Both must come through
    `restrict()`: the page's order and count are the keys'.
    """
    if count is None:
        count = tallied_count(queryset if keys is None else keys)
    if keys is not None:
        paginator = KeysFirstPaginator(keys, per_page, rows=queryset, key=key, listed=listed)
    else:
        paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    trail.listed(
        actor=request.user,
        model=queryset.model,
        ids=[row.pk for row in page.object_list],
        detail={"page": request.path, "query": request.GET.dict(), **(detail or {})},
    )
    return page


def visible_or_404(queryset: models.QuerySet, *, user, pk) -> models.Model:
    """The object if `user` may see it (a `view` event), else the same 404 as a missing one."""
    try:
        return object_get_for(queryset, user=user, pk=pk)
    except NotFound:
        raise Http404 from None


def leave_for(url: str) -> HttpResponseRedirect:
    """A redirect to a link made for this viewer alone (a recording on a provider): not cached,
    and the page left behind not named to the site it leads to."""
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def field_errors(error: ValidationFailed) -> dict[str, list[str]]:
    """A service's field errors for a form template, with the overall message under `__all__`."""
    return {"__all__": [error.message], **error.fields}


def query_without(request, *names: str) -> str:
    """The current query string without `names` (e.g. `page`), for links that change only those."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def url_for_each(name: str) -> Callable[[object], str]:
    """`reverse(name, args=[pk])` for the many rows of a list at the cost of one reverse(): a
    route taking one UUID differs from row to row only by it, and reverse() costs ~30 µs a call."""
    any_id = str(UUID(int=0))
    url = reverse(name, args=[any_id])
    return lambda pk: url.replace(any_id, str(pk))
