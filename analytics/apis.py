"""API for hires' performance ratings: the performance system posts them with a token whose
scope allows it (`record_performance`); HR reads them."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from analytics import selectors
from analytics.models import BiasAudit, FairnessResult, PerformanceRating, SelfIdentification
from analytics.services.bias_audits import bias_audit_make
from analytics.services.ratings import RATING_HIGH, RATING_LOW, RatingIn, performance_rating_record
from hrsuite.api import Created, ModelOut, ScopedViewSet, validated


class PerformanceRatingOut(ModelOut):
    class Meta:
        model = PerformanceRating
        fields = [
            "id",
            "application",
            "period_start",
            "period_end",
            "rating",
            "dimension_ratings",
            "source",
            "recorded_by",
            "created_at",
        ]


def _score(**kwargs):
    return serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=RATING_LOW, max_value=RATING_HIGH, **kwargs
    )


class PerformanceRatingIn(serializers.Serializer):
    application = serializers.UUIDField(help_text="The hire's application.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    rating = _score(help_text="Overall, from 1 to 5.")
    dimension_ratings = serializers.DictField(
        child=_score(), required=False, help_text="Per dimension of the position, each from 1 to 5."
    )


class PerformanceRatingApi(ScopedViewSet):
    """Hires' performance ratings, one per hire and period (a 1-5 rating, optionally one per
    dimension of the position). HR reads them; a performance system posts them."""

    queryset = PerformanceRating.objects.none()
    serializer_class = PerformanceRatingOut
    list_selector = staticmethod(selectors.rating_list_for)
    detail_queryset = staticmethod(selectors.rating_detail_queryset)

    @extend_schema(request=PerformanceRatingIn, responses={201: Created})
    def create(self, request):
        """A hire's rating for one period, from an integration token whose scope is
        `record_performance`, or a recruiter. A period overlapping one rated already answers 409
        `rating_exists`; an application that is not a hire's, 400 on `application`."""
        data = validated(PerformanceRatingIn, request.data)
        rating = performance_rating_record(
            given=RatingIn(
                application=data["application"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                rating=data["rating"],
                dimension_ratings=data.get("dimension_ratings"),
            ),
            source=PerformanceRating.Source.API,
            actor=request.user,
        )
        return Response({"id": str(rating.pk)}, status=status.HTTP_201_CREATED)


# --- Fairness: compliance's alone (docs/architecture.md, "Fairness") -------------------------------


class SelfIdentificationOut(ModelOut):
    class Meta:
        model = SelfIdentification
        fields = [
            "id",
            "candidate",
            "scheme",
            "region",
            "application",
            "sex",
            "race_ethnicity",
            "channel",
            "created_at",
            "updated_at",
        ]


class SelfIdentificationApi(ScopedViewSet):
    """Candidates' voluntary self-identification: compliance reads it, nobody else (not
    recruiters, HR admins or interviewers). Candidates give it on the careers page and in the
    portal."""

    queryset = SelfIdentification.objects.none()
    serializer_class = SelfIdentificationOut
    list_selector = staticmethod(selectors.self_identifications_for)
    detail_queryset = staticmethod(selectors.self_identification_detail_queryset)


class FairnessResultOut(ModelOut):
    class Meta:
        model = FairnessResult
        fields = ["id", "scope", "provider", "position", "computed_at", "applicants", "figures"]


class FairnessResultApi(ScopedViewSet):
    """Impact ratios of each AI interview tool, overall and per position (counts, selection and
    scoring rates, ratios, Fisher's exact p-values), computed in the background: compliance's."""

    queryset = FairnessResult.objects.none()
    serializer_class = FairnessResultOut
    list_selector = staticmethod(selectors.fairness_results_for)
    detail_queryset = staticmethod(selectors.fairness_result_detail_queryset)

    def get_serializer_class(self):
        return _FairnessListed if self.action == "list" else FairnessResultOut


class _FairnessListed(ModelOut):
    class Meta:
        model = FairnessResult
        fields = ["id", "scope", "provider", "position", "computed_at", "applicants"]


class BiasAuditOut(ModelOut):
    class Meta:
        model = BiasAudit
        fields = [
            "id",
            "provider",
            "audit_date",
            "source_description",
            "computed_at",
            "made_by",
            "created_at",
        ]


class BiasAuditIn(serializers.Serializer):
    provider = serializers.CharField(max_length=40, help_text="The AI interview tool (provider).")


class BiasAuditApi(ScopedViewSet):
    """Bias audits of the AI interview tools, as published (the PDF and CSV are downloaded from
    the Fairness page). Compliance makes them from the latest computed figures."""

    queryset = BiasAudit.objects.none()
    serializer_class = BiasAuditOut
    list_selector = staticmethod(selectors.bias_audits_for)
    detail_queryset = staticmethod(selectors.bias_audit_detail_queryset)

    @extend_schema(request=BiasAuditIn, responses={201: Created})
    def create(self, request):
        """A bias audit of `provider` dated today; 409 `fairness_not_computed` where the tool's
        figures are not computed yet."""
        data = validated(BiasAuditIn, request.data)
        audit = bias_audit_make(provider=data["provider"], actor=request.user)
        return Response({"id": str(audit.pk)}, status=status.HTTP_201_CREATED)
