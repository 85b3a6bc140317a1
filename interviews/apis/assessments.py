"""API for AI assessments: their ingestion and what staff and candidates see of them."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from hrsuite.api import Created, ModelOut, ScopedViewSet, validated
from interviews import selectors
from interviews.apis.reviews import HumanReviewOut
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    Interview,
)
from interviews.services.assessments import (
    WITHHELD_HUMAN_ONLY,
    WITHHELD_RESTRICTED,
    AssessmentWithheld,
    assessment_ingest,
)


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
            "weights_version",
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
        withheld (409 `consent_missing`, nothing of it kept) and a person interviews instead; so
        it is for a candidate who restricted the processing of their data (409
        `processing_restricted`), and for an interview granted an evaluation by a person only
        (409 `human_only_accommodation`)."""
        data = validated(AssessmentIn, request.data)
        interview = selectors.interview_for_assessment(user=request.user, pk=data["interview"])
        # The service keeps what it knows of the payload as received, so pass the JSON.
        payload = {key: value for key, value in request.data.items() if key != "interview"}
        receipt = assessment_ingest(interview=interview, payload=payload, actor=request.user)
        if receipt.outcome == WITHHELD_RESTRICTED:
            # As below: raised after the service's transaction, which keeps what it did.
            message = _(
                "The candidate asked that their data not be processed by AI: the assessment is "
                "withheld; a person interviews instead."
            )
            raise AssessmentWithheld(message, fields={"interview": [message]}, code="processing_restricted")
        if receipt.outcome == WITHHELD_HUMAN_ONLY:
            message = _(
                "The candidate was granted an evaluation by a person only: the assessment is "
                "withheld; a person interviews instead."
            )
            raise AssessmentWithheld(
                message, fields={"interview": [message]}, code="human_only_accommodation"
            )
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
