"""API for interviews, interviewer assignments, AI assessments, human reviews and scorecards."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from candidates.apis import ApplicationApi, ApplicationDetailOut
from hrsuite.api import Created, IntegerKeyField, ModelOut, ScopedViewSet, referenced, validated
from hrsuite.errors import ValidationFailed
from interviews import selectors
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    HumanReview,
    Interview,
    InterviewAssignment,
    Recommendation,
    Scorecard,
)
from interviews.services.assessments import AssessmentWithheld, assessment_ingest
from interviews.services.assignments import assignment_create, assignment_delete
from interviews.services.interviews import interview_results_release
from interviews.services.reviews import human_review_create
from interviews.services.scorecards import scorecard_save, scorecard_submit

# --- Output --------------------------------------------------------------------------------------


class AssignmentOut(ModelOut):
    interviewer_name = serializers.CharField(source="interviewer.get_username")

    class Meta:
        model = InterviewAssignment
        fields = ["id", "interview", "interviewer", "interviewer_name", "created_at"]


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


class HumanReviewOut(ModelOut):
    reviewer = serializers.CharField(source="reviewer.get_username", default=None)

    class Meta:
        model = HumanReview
        fields = ["id", "outcome", "score", "reason", "reviewer", "created_at"]


class EvidenceOut(serializers.Serializer):
    """One quote of what the candidate said, with its start and end in the recording (seconds)."""

    quote = serializers.CharField()
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()


class DimensionOut(ModelOut):
    # Stored encrypted as JSON text: declared, so it is answered (and described) as JSON.
    evidence = EvidenceOut(many=True, read_only=True)
    reviews = HumanReviewOut(many=True)

    class Meta:
        model = AIDimensionScore
        fields = ["id", "dimension", "score", "confidence", "evidence", "reviews"]


class AssessmentOut(ModelOut):
    dimensions = DimensionOut(many=True)

    class Meta:
        model = AIAssessment
        fields = [
            "id",
            "interview",
            "overall_score",
            "overall_confidence",
            "model_version",
            "transcript_quality",
            "needs_human_review",
            "first_reviewed_at",
            "received_at",
            "dimensions",
        ]


class AssessmentDetailOut(AssessmentOut):
    class Meta(AssessmentOut.Meta):
        fields = [*AssessmentOut.Meta.fields, "transcript"]


class CandidateDimensionOut(ModelOut):
    class Meta:
        model = AIDimensionScore
        fields = ["dimension", "score"]


class AssessmentCandidateOut(ModelOut):
    """A released result as the candidate sees it: scores, not reviewers' reasons or raw data."""

    dimensions = CandidateDimensionOut(many=True)

    class Meta:
        model = AIAssessment
        fields = ["id", "interview", "overall_score", "dimensions"]


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


# --- Input ---------------------------------------------------------------------------------------


class AssignmentIn(serializers.Serializer):
    interview = serializers.UUIDField()
    interviewer = IntegerKeyField()


class EvidenceIn(serializers.Serializer):
    quote = serializers.CharField(max_length=2000)
    start_s = serializers.FloatField(min_value=0)
    end_s = serializers.FloatField(min_value=0)


class DimensionIn(serializers.Serializer):
    dimension = serializers.CharField(max_length=60)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    confidence = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    evidence = EvidenceIn(many=True, required=False)


class AssessmentIn(serializers.Serializer):
    interview = serializers.UUIDField()
    overall_score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    confidence = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    transcript_quality = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    model_version = serializers.CharField(max_length=100)
    transcript = serializers.CharField(required=False, allow_blank=True)
    dimensions = DimensionIn(many=True, allow_empty=False)


class HumanReviewIn(serializers.Serializer):
    dimension_score = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=HumanReview.Outcome.choices)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(max_length=4000)


class ScorecardIn(serializers.Serializer):
    interview = serializers.UUIDField()
    ratings = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5))
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)


# --- Views ---------------------------------------------------------------------------------------


class InterviewApi(ScopedViewSet):
    """Interviews; `release-results` shows the AI result to the candidate."""

    queryset = Interview.objects.none()
    serializer_class = InterviewDetailOut
    serializers_by_scope = {"candidate": InterviewCandidateOut}
    list_selector = staticmethod(selectors.interview_list_for)
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


class AssignmentApi(ScopedViewSet):
    """Interviewer assignments: creating one grants the interviewer access, deleting it revokes it."""

    queryset = InterviewAssignment.objects.none()
    serializer_class = AssignmentOut
    list_selector = staticmethod(selectors.assignment_list_for)
    detail_queryset = staticmethod(selectors.assignment_detail_queryset)

    @extend_schema(request=AssignmentIn, responses={201: AssignmentOut})
    def create(self, request):
        data = validated(AssignmentIn, request.data)
        interview = referenced(
            selectors.interview_detail_queryset(user=request.user),
            user=request.user,
            pk=data["interview"],
            field="interview",
        )
        interviewer = User.objects.filter(pk=data["interviewer"], is_active=True).first()
        if interviewer is None:
            message = _("No such interviewer.")
            raise ValidationFailed(message, fields={"interviewer": [message]})
        assignment = assignment_create(interview=interview, interviewer=interviewer, actor=request.user)
        return Response(
            AssignmentOut(assignment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def destroy(self, request, pk=None):
        assignment_delete(assignment=self.visible_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssessmentApi(ScopedViewSet):
    """AI assessments with per-dimension score, confidence and evidence quotes."""

    queryset = AIAssessment.objects.none()
    serializer_class = AssessmentDetailOut
    serializers_by_scope = {"candidate": AssessmentCandidateOut}
    list_selector = staticmethod(selectors.assessment_list_for)
    detail_queryset = staticmethod(selectors.assessment_detail_queryset)
    write_actions = {"create": (Interview, "assess")}

    @extend_schema(request=AssessmentIn, responses={201: Created})
    def create(self, request):
        """An integration token whose scope allows it posts an interview's AI assessment: for a
        completed AI interview, with only the position's dimensions. Without both consents it is
        withheld (409 `consent_missing`, nothing of it kept) and a person interviews instead."""
        data = validated(AssessmentIn, request.data)
        interview = selectors.interview_for_assessment(user=request.user, pk=data["interview"])
        # The service keeps what it knows of the payload as received, so pass the JSON.
        payload = {key: value for key, value in request.data.items() if key != "interview"}
        receipt = assessment_ingest(interview=interview, payload=payload, actor=request.user)
        if receipt.assessment is None:
            # Raised after the service's transaction: the recruiters' request for a human-reviewed
            # interview and its audit event stay (the error handler rolls back nothing).
            message = _(
                "Without both consents on the current notice the assessment is withheld; a person "
                "interviews instead."
            )
            raise AssessmentWithheld(message, fields={"interview": [message]})
        return Response({"id": str(receipt.assessment.pk)}, status=status.HTTP_201_CREATED)

    def get_serializer_class(self):
        chosen = super().get_serializer_class()
        return AssessmentOut if self.action == "list" and chosen is AssessmentDetailOut else chosen


class HumanReviewApi(viewsets.GenericViewSet):
    """Recruiters confirm or override an AI dimension score, with their reason."""

    queryset = HumanReview.objects.none()
    serializer_class = HumanReviewOut

    @extend_schema(request=HumanReviewIn, responses={201: HumanReviewOut})
    def create(self, request):
        data = validated(HumanReviewIn, request.data)
        assessment_dimensions = AIDimensionScore.objects.select_related("assessment__interview__application")
        dimension = assessment_dimensions.filter(
            assessment__in=selectors.assessment_list_for(user=request.user).values("pk"),
            pk=data.pop("dimension_score"),
        ).first()
        if dimension is None:
            message = _("Dimension score not found.")
            raise ValidationFailed(message, fields={"dimension_score": [message]})
        review = human_review_create(dimension_score=dimension, actor=request.user, **data)
        return Response(
            HumanReviewOut(review, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


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
