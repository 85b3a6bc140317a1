"""API for HR admins: browse and filter the audit trail, and export it as CSV."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from audit import exports, selectors
from audit.models import AuditEvent
from hrsuite.api import ModelOut, ScopedViewSet
from hrsuite.rest import NewestFirstCursor


class AuditEventOut(ModelOut):
    class Meta:
        model = AuditEvent
        fields = exports.COLUMNS


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
        return exports.audit_csv_response(
            user=request.user, filters=request.query_params, query=dict(request.query_params.items())
        )
