"""API for applications as staff see them, with each interview's feedback summary."""

from rest_framework import serializers

from candidates.apis import ApplicationApi, ApplicationDetailOut
from hrsuite.api import ModelOut
from interviews import selectors
from interviews.models import (
    Interview,
    Scorecard,
)


class FeedbackSummaryOut(ModelOut):
    """One finished interview's feedback as it joins the application's timeline (staff only):
    the AI's overall view, each scorecard, and the ratings weighted by the position's weights."""

    ai_overall_score = serializers.SerializerMethodField()
    needs_human_review = serializers.SerializerMethodField()
    scorecards = serializers.SerializerMethodField()
    weighted_rating = serializers.SerializerMethodField()

    class Meta:
        model = Interview
        fields = [
            "id",
            "kind",
            "ended_at",
            "summary_sent_at",
            "ai_overall_score",
            "needs_human_review",
            "scorecards",
            "weighted_rating",
        ]

    def _assessment(self, interview):
        return getattr(interview, "assessment", None)

    def get_ai_overall_score(self, interview) -> str | None:
        assessment = self._assessment(interview)
        return str(assessment.overall_score) if assessment else None

    def get_needs_human_review(self, interview) -> bool | None:
        assessment = self._assessment(interview)
        return assessment.needs_human_review if assessment else None

    def get_scorecards(self, interview) -> list[dict]:
        return [
            {
                "interviewer": s.interviewer.get_username(),
                "recommendation": s.recommendation,
                "ratings": s.ratings,
            }
            for s in interview.scorecards.all()
            if s.status == Scorecard.Status.SUBMITTED
        ]

    def get_weighted_rating(self, interview) -> float | None:
        """The sum over dimensions of weight times mean rating (1 to 5); None without ratings."""
        weights = interview.application.position.dimension_weights
        submitted = [s.ratings for s in interview.scorecards.all() if s.status == Scorecard.Status.SUBMITTED]
        total = weight_sum = 0.0
        for dimension, weight in weights.items():
            given = [r[dimension] for r in submitted if dimension in r]
            if given:
                total += float(weight) * sum(given) / len(given)
                weight_sum += float(weight)
        return round(total / weight_sum, 2) if weight_sum else None


class ApplicationStaffDetailOut(ApplicationDetailOut):
    """What recruiters and HR admins see: the timeline with each finished interview's feedback."""

    feedback_summaries = FeedbackSummaryOut(many=True, source="summarised_interviews")

    class Meta(ApplicationDetailOut.Meta):
        fields = [*ApplicationDetailOut.Meta.fields, "feedback_summaries"]


class ApplicationWithFeedbackApi(ApplicationApi):
    # The applications API of `candidates`, which knows no interview, with each finished
    # interview's feedback on a staff member's timeline (mounted in its place, same route).
    detail_queryset = staticmethod(selectors.application_with_feedback_queryset)
    serializers_by_scope = {"staff": ApplicationStaffDetailOut}
