"""Reading the audit trail: HR admins browse, filter and export it."""

import django_filters
from django.db.models import QuerySet

from audit.models import AuditAction, AuditEvent
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", label="Actor's user name")
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices)
    target_type = django_filters.CharFilter()
    target_id = django_filters.CharFilter()
    candidate = django_filters.UUIDFilter(field_name="candidate_id")
    request_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "candidate", "request_id", "since", "until"]


def audit_event_list_for(*, user, filters=None) -> QuerySet[AuditEvent]:
    return filtered(AuditEventFilter, filters, restrict(AuditEvent.objects.order_by("-seq"), user=user))


def audit_event_detail_queryset(*, user) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.all()
