"""API for scheduling: /api/scheduling/ (POST) schedules; /api/scheduling/<interview id>/reschedule/
and /cancel/ move or cancel: recruiters only (HR admins read but never write)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from candidates.models import Application
from hrsuite.api import IntegerKeyField, ModelOut, referenced, validated
from hrsuite.errors import ValidationFailed
from hrsuite.selectors import object_get_for
from interviews import selectors
from interviews.models import Interview
from interviews.services import scheduling


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
