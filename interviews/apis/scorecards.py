"""API for interviewers' scorecards."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet, referenced, validated
from interviews import selectors
from interviews.models import (
    Recommendation,
    Scorecard,
)
from interviews.services.scorecards import scorecard_save, scorecard_submit


class ScorecardOut(ModelOut):
    interviewer_name = serializers.CharField(source="interviewer.get_username")

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "interview",
            "interviewer",
            "interviewer_name",
            "ratings",
            "recommendation",
            "notes",
            "status",
            "submitted_at",
        ]


class ScorecardIn(serializers.Serializer):
    interview = serializers.UUIDField()
    ratings = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5))
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class ScorecardApi(ScopedViewSet):
    """Interviewers' scorecards: each writes only their own, locked once submitted."""

    queryset = Scorecard.objects.none()
    serializer_class = ScorecardOut
    list_selector = staticmethod(selectors.scorecard_list_for)
    detail_queryset = staticmethod(selectors.scorecard_detail_queryset)
    write_actions = {"submit": "change"}

    @extend_schema(request=ScorecardIn, responses={201: ScorecardOut})
    def create(self, request):
        """Create or update the caller's own draft scorecard for an interview."""
        data = validated(ScorecardIn, request.data)
        interview = referenced(
            selectors.interview_detail_queryset(user=request.user),
            user=request.user,
            pk=data.pop("interview"),
            field="interview",
        )
        scorecard = scorecard_save(interview=interview, actor=request.user, **data)
        return Response(
            ScorecardOut(scorecard, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=ScorecardOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        scorecard = scorecard_submit(scorecard=self.visible_object(), actor=request.user)
        return Response(ScorecardOut(scorecard, context=self.get_serializer_context()).data)
