"""Permission-filtered reads of ratings and of the validity figures."""

import django_filters
from django.db.models import QuerySet

from analytics.models import BiasAudit, FairnessResult, PerformanceRating, SelfIdentification, ValidityResult
from candidates.models import Position, PositionWeights
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered


class RatingFilter(django_filters.FilterSet):
    application = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter(field_name="application__candidate")

    class Meta:
        model = PerformanceRating
        fields = ["application", "candidate"]


def rating_list_for(*, user, filters=None) -> QuerySet[PerformanceRating]:
    """Ratings newest first; HR's alone."""
    queryset = restrict(PerformanceRating.objects.select_related("recorded_by"), user=user)
    return filtered(RatingFilter, filters, queryset.order_by("-created_at", "-id"))


def rating_detail_queryset(*, user) -> QuerySet[PerformanceRating]:
    return PerformanceRating.objects.select_related("recorded_by")


def ratings_of(applications, *, user) -> dict:
    """{application id: its ratings, newest period first} for the hires among `applications`
    (the candidate file: a few applications, one query, none when none is a hire)."""
    ids = [application.pk for application in applications]
    by_application: dict = {pk: [] for pk in ids}
    if ids:
        rows = restrict(PerformanceRating.objects.select_related("recorded_by"), user=user)
        for rating in rows.filter(application_id__in=ids).order_by("-period_start", "id"):
            by_application[rating.application_id].append(rating)
    return by_application


# The columns the list of scopes shows: not the figures, which only a scope's own page reads.
_LISTED = (
    *("id", "scope", "kind", "department", "computed_at", "rated_hires", "asked_at"),
    *Position.title_columns("position__"),
)


def validity_results_for(*, user) -> QuerySet[ValidityResult]:
    """Every scope with figures or waiting for them, department by department, each department
    before its positions; without the figures (one row is a few kilobytes of them)."""
    rows = restrict(ValidityResult.objects.select_related("position"), user=user)
    return rows.only(*_LISTED).order_by("department", "kind", "scope")


def validity_result_for(*, user) -> QuerySet[ValidityResult]:
    """One scope's row with its figures, to be read by key."""
    return restrict(ValidityResult.objects.select_related("position"), user=user)


def dimension_labels_of(result: ValidityResult) -> dict:
    """The labels HR gave the dimensions of a scope's positions ({key: {language: label}}), for
    `candidates.dimensions.dimension_label`: a position's own, or, for a department, its
    positions' (the first that labels a dimension)."""
    if result.position is not None:
        return result.position.dimension_labels or {}
    labels: dict = {}
    rows = (
        Position.objects.filter(department=result.department).order_by("id").values_list("dimension_labels")
    )
    for (own,) in rows[:200]:
        for key, by_language in (own or {}).items():
            labels.setdefault(key, by_language)
    return labels


# The versions of a position's weights its validity page lists, newest first.
WEIGHT_VERSIONS_SHOWN = 5


def weight_versions_of(position: Position, *, user) -> list[PositionWeights]:
    """The newest versions of the position's dimension weights, with who set them."""
    versions = restrict(PositionWeights.objects.filter(position=position), user=user)
    return list(versions.select_related("set_by").order_by("-version")[:WEIGHT_VERSIONS_SHOWN])


# --- Fairness (compliance's alone: docs/architecture.md, "Fairness") ----------------------------


def self_identifications_for(*, user, filters=None) -> QuerySet[SelfIdentification]:
    """Candidates' self-identifications, newest first: compliance's alone (`restrict` gives
    anyone else nothing)."""
    return restrict(SelfIdentification.objects.all(), user=user).order_by("-created_at", "-id")


def self_identification_detail_queryset(*, user) -> QuerySet[SelfIdentification]:
    return SelfIdentification.objects.all()


def fairness_results_for(*, user, filters=None) -> QuerySet[FairnessResult]:
    """Every tool's and position's impact ratios, without the figures, tool by tool."""
    rows = restrict(FairnessResult.objects.select_related("position"), user=user)
    return rows.defer("figures").order_by("provider", "scope")


def fairness_result_detail_queryset(*, user) -> QuerySet[FairnessResult]:
    return FairnessResult.objects.select_related("position")


def bias_audits_for(*, user, filters=None) -> QuerySet[BiasAudit]:
    """Bias audits, newest first, without their files."""
    rows = restrict(BiasAudit.objects.all(), user=user)
    return rows.defer("pdf", "csv", "figures").order_by("-audit_date", "-created_at")


def bias_audit_detail_queryset(*, user) -> QuerySet[BiasAudit]:
    return BiasAudit.objects.defer("pdf", "csv")


def fairness_result_for(*, user) -> QuerySet[FairnessResult]:
    """One scope's row with its figures, to be read by key."""
    return restrict(FairnessResult.objects.select_related("position"), user=user)


def bias_audit_for(*, user) -> QuerySet[BiasAudit]:
    """One audit with its files, to be read by key."""
    return restrict(BiasAudit.objects.all(), user=user)
