"""API for interviews: list, detail and the release of their AI results to the candidate."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet
from interviews import selectors
from interviews.apis.assignments import AssignmentOut
from interviews.models import (
    Interview,
)
from interviews.services.interviews import interview_results_release


class InterviewOut(ModelOut):
    candidate = serializers.UUIDField(source="application.candidate_id")
    candidate_name = serializers.CharField(source="application.candidate.full_name")
    position_title = serializers.CharField(source="application.position.title")

    class Meta:
        model = Interview
        fields = [
            "id",
            "application",
            "candidate",
            "candidate_name",
            "position_title",
            "kind",
            "provider",
            "starts_at",
            "duration_minutes",
            "candidate_time_zone",
            "join_url",
            "status",
            "results_released_at",
        ]


class InterviewDetailOut(InterviewOut):
    assignments = AssignmentOut(many=True)

    class Meta(InterviewOut.Meta):
        fields = [*InterviewOut.Meta.fields, "assignments"]


class InterviewCandidateOut(InterviewOut):
    """The candidate's own view: no assignment list, no provider internals."""

    class Meta(InterviewOut.Meta):
        fields = [f for f in InterviewOut.Meta.fields if f not in ("provider", "application")]


class InterviewApi(ScopedViewSet):
    """Interviews; `release-results` shows the AI result to the candidate."""

    queryset = Interview.objects.none()
    serializer_class = InterviewDetailOut
    serializers_by_scope = {"candidate": InterviewCandidateOut}
    list_selector = staticmethod(selectors.interview_list_for)
    list_keys = staticmethod(selectors.interview_list_keys)
    detail_queryset = staticmethod(selectors.interview_detail_queryset)
    write_actions = {"release_results": "change"}

    def get_serializer_class(self):
        chosen = super().get_serializer_class()
        return InterviewOut if self.action == "list" and chosen is InterviewDetailOut else chosen

    @extend_schema(request=None, responses=InterviewOut)
    @action(detail=True, methods=["post"], url_path="release-results")
    def release_results(self, request, pk=None):
        interview = interview_results_release(interview=self.visible_object(), actor=request.user)
        return Response(InterviewOut(interview, context=self.get_serializer_context()).data)
