"""API for scheduling, incidents, completion rates and the candidate's reschedule link.

- /api/scheduling/ (POST) schedules; /api/scheduling/<interview id>/reschedule/ and /cancel/
  move or cancel: recruiters only (HR admins read but never write).
- /api/incidents/ and /api/completion-rates/: HR's view of technical failures.
- /api/reschedule/<token>/: public; the token in the candidate's link is the credential.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from candidates.models import Application
from hrsuite.api import IntegerKeyField, ModelOut, ScopedViewSet, referenced, validated
from hrsuite.errors import ValidationFailed
from hrsuite.selectors import object_get_for
from interviews import selectors
from interviews.models import Incident, Interview
from interviews.services import candidate_links, incidents, scheduling

# --- Shapes ---------------------------------------------------------------------------------------


class ScheduleIn(serializers.Serializer):
    application = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Interview.Kind.choices)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=scheduling.MIN_DURATION, max_value=scheduling.MAX_DURATION, default=45
    )
    interviewers = serializers.ListField(child=IntegerKeyField(), required=False, default=list)
    provider = serializers.CharField(max_length=40, default="simulated")


class RescheduleIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()


class CancelIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ScheduledOut(ModelOut):
    class Meta:
        model = Interview
        fields = [
            "id",
            "application",
            "kind",
            "provider",
            "starts_at",
            "duration_minutes",
            "candidate_time_zone",
            "join_url",
            "status",
            "calendar_sequence",
        ]


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


class OfferOut(serializers.Serializer):
    kind = serializers.CharField()
    slots = serializers.ListField(child=serializers.DateTimeField())
    expires_at = serializers.DateTimeField()
    candidate_time_zone = serializers.CharField()


class OfferChoiceIn(serializers.Serializer):
    slot = serializers.DateTimeField()


class OfferChosenOut(serializers.Serializer):
    interview = serializers.UUIDField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    join_url = serializers.CharField()


# --- Scheduling -----------------------------------------------------------------------------------


class SchedulingApi(viewsets.GenericViewSet):
    """Schedule, reschedule and cancel interviews with every rule and calendar message."""

    queryset = Interview.objects.none()
    serializer_class = ScheduledOut
    write_actions = {"create": "add", "reschedule": "change", "cancel": "change"}

    def _interview(self):
        # Missing and not visible are the same 404, as on every detail route.
        return object_get_for(
            selectors.interview_detail_queryset(user=self.request.user),
            user=self.request.user,
            pk=self.kwargs["pk"],
        )

    @extend_schema(request=ScheduleIn, responses={201: ScheduledOut})
    def create(self, request):
        data = validated(ScheduleIn, request.data)
        application = referenced(
            Application.objects.select_related("candidate"),
            user=request.user,
            pk=data.pop("application"),
            field="application",
        )
        ids = data.pop("interviewers")
        found = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            message = _("No such interviewer: %(ids)s.") % {"ids": ", ".join(missing)}
            raise ValidationFailed(message, fields={"interviewers": [message]})
        interview = scheduling.interview_schedule(
            application=application, interviewers=[found[pk] for pk in ids], actor=request.user, **data
        )
        return Response(
            ScheduledOut(interview, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=RescheduleIn, responses=ScheduledOut)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        data = validated(RescheduleIn, request.data)
        interview = scheduling.interview_reschedule(
            interview=self._interview(), starts_at=data["starts_at"], actor=request.user
        )
        return Response(ScheduledOut(interview, context=self.get_serializer_context()).data)

    @extend_schema(request=CancelIn, responses=ScheduledOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = validated(CancelIn, request.data)
        interview = scheduling.interview_cancel(
            interview=self._interview(), reason=data["reason"], actor=request.user
        )
        return Response(ScheduledOut(interview, context=self.get_serializer_context()).data)


# --- Incidents and completion rates ---------------------------------------------------------------


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


# --- The candidate's reschedule link --------------------------------------------------------------


class RescheduleOfferApi(APIView):
    """GET lists the offered slots; POST {"slot": ...} chooses one. No sign-in: whoever holds
    the link's token may choose, once, until it expires (unknown 404, used 409, expired 410)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=OfferOut)
    def get(self, request, token: str):
        # The same audited read as the candidate's page.
        offer = candidate_links.reschedule_page_read(token=token)
        return Response(
            OfferOut(
                {
                    "kind": offer.kind,
                    "slots": offer.slots,
                    "expires_at": offer.expires_at,
                    "candidate_time_zone": offer.interview.candidate_time_zone,
                }
            ).data
        )

    @extend_schema(request=OfferChoiceIn, responses={201: OfferChosenOut})
    def post(self, request, token: str):
        data = validated(OfferChoiceIn, request.data)
        interview = incidents.reschedule_offer_choose(
            token=token,
            slot=data["slot"],
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(
            OfferChosenOut(
                {
                    "interview": interview.pk,
                    "kind": interview.kind,
                    "starts_at": interview.starts_at,
                    "join_url": interview.join_url,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )
