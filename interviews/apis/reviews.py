"""API for people's reviews of AI dimension scores."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from hrsuite.api import ModelOut, validated
from hrsuite.errors import ValidationFailed
from interviews import selectors
from interviews.models import (
    AIDimensionScore,
    HumanReview,
)
from interviews.services.reviews import human_review_create


class HumanReviewOut(ModelOut):
    reviewer = serializers.CharField(source="reviewer.get_username", default=None)

    class Meta:
        model = HumanReview
        fields = ["id", "outcome", "score", "reason", "reviewer", "created_at"]


class HumanReviewIn(serializers.Serializer):
    dimension_score = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=HumanReview.Outcome.choices)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(max_length=4000)


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
