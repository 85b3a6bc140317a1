"""Reading the audit trail: HR admins browse, filter and export it."""

import django_filters
from django.db.models import QuerySet

from audit.models import AuditAction, AuditChainHead, AuditEvent
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered

# Record types under each of their names: a model that moved to another app keeps, on the events
# written before the move, the label it had then ("app.model"). Apps register their moves.
_TARGET_TYPE_NAMES: dict[str, set[str]] = {}


def target_type_renamed(*, former: str, current: str) -> None:
    """Events about `former` and `current` are about the same records: filtering by either label
    finds both."""
    names = _TARGET_TYPE_NAMES.get(former, {former}) | _TARGET_TYPE_NAMES.get(current, {current})
    for name in names:
        _TARGET_TYPE_NAMES[name] = names


def target_type_names(label: str) -> set[str]:
    """`label` and every other name its records were audited under."""
    return _TARGET_TYPE_NAMES.get(label, {label})


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", label="Actor's user name")
    # No DISTINCT (django-filter's default for several values): the events are one table, so no
    # event can match twice, and DISTINCT over every column made PostgreSQL sort each page on
    # all of them, in parallel workers whose start cost more than the page.
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices, distinct=False)
    target_type = django_filters.CharFilter(method="filter_target_type")
    target_id = django_filters.CharFilter()
    candidate = django_filters.UUIDFilter(field_name="candidate_id")
    request_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "candidate", "request_id", "since", "until"]

    def filter_target_type(self, queryset, name, value):
        names = target_type_names(value)
        return (
            queryset.filter(target_type=value) if len(names) == 1 else queryset.filter(target_type__in=names)
        )


def audit_event_list_for(*, user, filters=None) -> QuerySet[AuditEvent]:
    return filtered(AuditEventFilter, filters, restrict(AuditEvent.objects.newest_first(), user=user))


def audit_chain_head_seq() -> int:
    """The seq of the last event chained (0 before the first)."""
    return AuditChainHead.objects.values_list("seq", flat=True).first() or 0


def audit_event_detail_queryset(*, user) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.all()
