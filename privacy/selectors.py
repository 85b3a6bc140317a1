"""Permission-filtered reads of privacy requests: HR's list and a request's page (through the API
and the pages alike), the requests due soon, and a candidate's own requests with their copies."""

from datetime import datetime, timedelta

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_list
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from privacy.models import AccessBundle, ErasureHandOff, PrivacyRequest
from privacy.services.restrictions import restriction_in_force

State = PrivacyRequest.State
OPEN = "open"
# A request is due soon this long before its deadline: HR's dashboard lists it from then on.
DUE_SOON = timedelta(days=7)
# The encrypted fields a list never shows: listing decrypts nothing.
_SEALED = ("text", "refusal_reason", "resolution")
# What a candidate's portal page lists of their own requests, newest first.
OWN_LISTED = 50
# The steps an erasure request's page lists at most: one per system that held the person's data.
ERASURE_STEPS_SHOWN = 200
# How the overdue filter is given "yes" (as django-filter's boolean filter reads it).
_YES = ("true", "True", "1")


class PrivacyRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Open")), *State.choices], method="_by_state", label=_("State")
    )
    kind = django_filters.ChoiceFilter(choices=PrivacyRequest.Kind.choices, label=_("Kind"))
    candidate = django_filters.UUIDFilter(label=_("Candidate"))
    overdue = django_filters.BooleanFilter(method="_overdue", label=_("Overdue"))

    class Meta:
        model = PrivacyRequest
        fields = ["state", "kind", "candidate", "overdue"]

    def _by_state(self, queryset, name, value):
        return (
            queryset.filter(state__in=PrivacyRequest.OPEN_STATES)
            if value == OPEN
            else queryset.filter(state=value)
        )

    def _overdue(self, queryset, name, value):
        late = Q(state__in=PrivacyRequest.OPEN_STATES, deadline__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


def _open_only(filters) -> bool:
    """Whether the filters keep open requests only: those are listed by deadline, soonest first."""
    filters = filters or {}
    return filters.get("state") in (OPEN, *PrivacyRequest.OPEN_STATES) or filters.get("overdue") in _YES


def privacy_request_list_for(*, user, filters=None) -> QuerySet[PrivacyRequest]:
    """Requests, filtered; open ones by deadline, soonest first (along the open requests' index),
    the rest newest first."""
    queryset = restrict(
        PrivacyRequest.objects.select_related("candidate", "handled_by").defer(*_SEALED), user=user
    )
    queryset = filtered(PrivacyRequestFilter, filters, queryset)
    if _open_only(filters):
        return queryset.order_by("deadline", "id")
    return queryset.order_by("-received_at", "id")


def privacy_request_detail_queryset(*, user) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.select_related("candidate", "handled_by")


def access_copy_of(request: PrivacyRequest) -> AccessBundle | None:
    """The copy answering an access request (its state: never its content), if one was ordered."""
    return (
        AccessBundle.objects.defer("content_json", "content_html").filter(request_id=request.pk).first()
        if request.kind == PrivacyRequest.Kind.ACCESS
        else None
    )


def erasure_steps_of(request: PrivacyRequest) -> list[ErasureHandOff]:
    """An erasure request's steps outside this database, with their states (never the
    confirmation's address): a few, one per system that held the person's data."""
    if request.kind != PrivacyRequest.Kind.ERASURE:
        return []
    return list(
        ErasureHandOff.objects.filter(request_id=request.pk)
        .defer("address")
        .order_by("created_at", "kind", "pk")[:ERASURE_STEPS_SHOWN]
    )


def restriction_of(request: PrivacyRequest):
    """The restriction in force for the request's candidate, if any (for a restriction request)."""
    if request.kind != PrivacyRequest.Kind.RESTRICTION:
        return None
    return restriction_in_force(candidate_id=request.candidate_id)


def due_soon(requests: QuerySet[PrivacyRequest], *, due_by: datetime) -> QuerySet[PrivacyRequest]:
    """Open requests whose deadline is before `due_by` (DUE_SOON from now: the dashboard's list),
    read along the open requests' index by deadline."""
    return requests.filter(state__in=PrivacyRequest.OPEN_STATES, deadline__lt=due_by)


def own_privacy_requests(*, user, page: str) -> list[PrivacyRequest]:
    """A candidate's own requests, newest first (the latest OWN_LISTED), each with its copy's state
    and times (never the copy's content), in one query and one `list` event."""
    rows = restrict(
        PrivacyRequest.objects.select_related("access_bundle").defer(
            "resolution", "access_bundle__content_json", "access_bundle__content_html"
        ),
        user=user,
    )
    listed = list(rows.order_by("-received_at", "id")[:OWN_LISTED])
    if listed:
        audit_list(actor=user, model=PrivacyRequest, ids=[row.pk for row in listed], detail={"page": page})
    return listed
