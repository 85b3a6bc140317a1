"""API for HR admins: browse and filter the audit trail, and export it as CSV."""

import csv

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from audit import selectors
from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from hrsuite.api import ScopedViewSet
from hrsuite.rest import NewestFirstCursor

_COLUMNS = [
    "seq",
    "at",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_ids",
    "candidate_id",
    "changed_fields",
    "detail",
    "request_id",
    "ip",
    "user_agent",
    "hash",
]


class AuditEventOut(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = _COLUMNS


class _Echo:
    def write(self, value):
        return value


class AuditEventApi(ScopedViewSet):
    """The audit trail, newest first, for HR admins; `export` streams it as CSV."""

    queryset = AuditEvent.objects.none()
    serializer_class = AuditEventOut
    pagination_class = NewestFirstCursor
    list_selector = staticmethod(selectors.audit_event_list_for)
    detail_queryset = staticmethod(selectors.audit_event_detail_queryset)

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """CSV of the filtered trail; the export itself is an audit event."""
        events = selectors.audit_event_list_for(user=request.user, filters=request.query_params)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            target_type=AuditEvent._meta.label_lower,
            detail={"query": dict(request.query_params.items()), "rows": events.count()},
        )
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(_COLUMNS)
            for event in events.iterator(chunk_size=2000):
                yield writer.writerow([_cell(getattr(event, column)) for column in _COLUMNS])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
        return response


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Neutralise spreadsheet formulas (CSV injection) in user-controlled text such as user agents.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
