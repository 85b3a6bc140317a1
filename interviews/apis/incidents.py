"""API for HR's view of technical failures: /api/incidents/ and /api/completion-rates/."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet
from hrsuite.errors import ValidationFailed
from interviews import selectors
from interviews.models import Incident, Interview


class IncidentOut(ModelOut):
    class Meta:
        model = Incident
        fields = ["id", "interview", "kind", "occurred_at", "region", "provider", "details", "resolution"]


class CompletionRateOut(serializers.Serializer):
    region = serializers.CharField()
    provider = serializers.CharField()
    scheduled = serializers.IntegerField()
    completed = serializers.IntegerField()
    technical_issue = serializers.IntegerField()
    no_show = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class IncidentApi(ScopedViewSet):
    """Technical failures and no-shows; filters: region, provider, kind, resolution, time."""

    queryset = Incident.objects.none()
    serializer_class = IncidentOut
    list_selector = staticmethod(selectors.incident_list_for)
    detail_queryset = staticmethod(selectors.incident_detail_queryset)


class SeesIncidents(BasePermission):
    """Rates are about the whole region, so only those who see every incident read them."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and user.has_perm("interviews.view_incident")


class CompletionRateApi(viewsets.GenericViewSet):
    """Completion rate by region and provider over the last `days` days (default 30)."""

    queryset = Interview.objects.none()
    serializer_class = CompletionRateOut
    pagination_class = None

    def get_permissions(self):
        # Not ModelActionPermission: its reads are open to every signed-in user.
        return [SeesIncidents()]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str),
            OpenApiParameter("provider", str),
            OpenApiParameter("days", int),
        ],
        responses=CompletionRateOut(many=True),
    )
    def list(self, request):
        try:
            days = int(request.query_params.get("days", 30))
        except ValueError:
            days = 0
        if not 1 <= days <= 366:
            raise ValidationFailed(
                _("Give days from 1 to 366."), fields={"days": [_("A whole number from 1 to 366.")]}
            )
        filters = {k: v for k, v in request.query_params.items() if k in ("region", "provider")}
        rows = selectors.completion_rates_for(user=request.user, filters=filters, days=days)
        return Response(CompletionRateOut(rows, many=True).data)
