"""Permission-filtered reads of interviews, assignments, assessments, reviews and scorecards."""

import django_filters
from django.db.models import Prefetch, QuerySet

from hrsuite.errors import ValidationFailed
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    HumanReview,
    Interview,
    InterviewAssignment,
    Notification,
    Scorecard,
)


class InterviewFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Interview.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Interview.Kind.choices)
    application = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter(field_name="application__candidate")
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Interview
        fields = ["status", "kind", "application", "candidate", "starts_after", "starts_before"]


def _interviews():
    return Interview.objects.select_related("application__candidate", "application__position")


def interview_list_for(*, user, filters=None) -> QuerySet[Interview]:
    queryset = restrict(_interviews(), user=user).order_by("starts_at", "id")
    return filtered(InterviewFilter, filters, queryset)


def interview_detail_queryset(*, user) -> QuerySet[Interview]:
    return _interviews().prefetch_related(
        Prefetch("assignments", queryset=InterviewAssignment.objects.select_related("interviewer"))
    )


def interview_for_assessment(*, user, pk) -> Interview:
    """The interview an integration posts an assessment for; it may post but not read."""
    interview = restrict(_interviews(), user=user, action="assess").filter(pk=pk).first()
    if interview is None:
        raise ValidationFailed("Interview not found.", fields={"interview": ["Interview not found."]})
    return interview


class AssignmentFilter(django_filters.FilterSet):
    interview = django_filters.UUIDFilter()
    interviewer = django_filters.NumberFilter()

    class Meta:
        model = InterviewAssignment
        fields = ["interview", "interviewer"]


def _assignments():
    return InterviewAssignment.objects.select_related("interview__application", "interviewer")


def assignment_list_for(*, user, filters=None) -> QuerySet[InterviewAssignment]:
    queryset = restrict(_assignments(), user=user).order_by("created_at", "id")
    return filtered(AssignmentFilter, filters, queryset)


def assignment_detail_queryset(*, user) -> QuerySet[InterviewAssignment]:
    return _assignments()


class AssessmentFilter(django_filters.FilterSet):
    interview = django_filters.UUIDFilter()
    needs_human_review = django_filters.BooleanFilter()

    class Meta:
        model = AIAssessment
        fields = ["interview", "needs_human_review"]


def assessment_detail_queryset(*, user) -> QuerySet[AIAssessment]:
    reviews = HumanReview.objects.select_related("reviewer")
    dimensions = AIDimensionScore.objects.prefetch_related(Prefetch("reviews", queryset=reviews))
    return AIAssessment.objects.select_related("interview__application").prefetch_related(
        Prefetch("dimensions", queryset=dimensions)
    )


def assessment_list_for(*, user, filters=None) -> QuerySet[AIAssessment]:
    queryset = restrict(assessment_detail_queryset(user=user), user=user).order_by("-received_at", "id")
    return filtered(AssessmentFilter, filters, queryset)


class ScorecardFilter(django_filters.FilterSet):
    interview = django_filters.UUIDFilter()
    status = django_filters.ChoiceFilter(choices=Scorecard.Status.choices)

    class Meta:
        model = Scorecard
        fields = ["interview", "status"]


def scorecard_detail_queryset(*, user) -> QuerySet[Scorecard]:
    return Scorecard.objects.select_related("interview__application", "interviewer")


def scorecard_list_for(*, user, filters=None) -> QuerySet[Scorecard]:
    queryset = restrict(scorecard_detail_queryset(user=user), user=user).order_by("-updated_at", "id")
    return filtered(ScorecardFilter, filters, queryset)


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Notification.Status.choices)
    template = django_filters.ChoiceFilter(choices=Notification.Template.choices)
    interview = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter()

    class Meta:
        model = Notification
        fields = ["status", "template", "interview", "candidate"]


def notification_detail_queryset(*, user) -> QuerySet[Notification]:
    return Notification.objects.select_related("recipient_user")


def notification_list_for(*, user, filters=None) -> QuerySet[Notification]:
    """The outbox as HR sees it: recruiters and HR admins; nobody else has a policy on it."""
    queryset = restrict(notification_detail_queryset(user=user), user=user).order_by("-due_at", "id")
    return filtered(NotificationFilter, filters, queryset)
