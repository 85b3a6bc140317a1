"""Permission-filtered reads of decisions, offers and background checks."""

import django_filters
from django.db.models import Prefetch, QuerySet

from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from onboarding.models import BackgroundCheck, Decision, Offer, OfferApproval


class ApplicationScopedFilter(django_filters.FilterSet):
    application = django_filters.UUIDFilter()
    status = django_filters.CharFilter()


class DecisionFilter(ApplicationScopedFilter):
    class Meta:
        model = Decision
        fields = ["application", "status", "outcome"]


def decision_list_for(*, user, filters=None) -> QuerySet[Decision]:
    queryset = restrict(
        Decision.objects.select_related("decided_by").defer("reason", "review_request_note"), user=user
    )
    return filtered(DecisionFilter, filters, queryset.order_by("-decided_at", "id"))


def decision_detail_queryset(*, user) -> QuerySet[Decision]:
    return Decision.objects.select_related("decided_by", "application")


class OfferFilter(ApplicationScopedFilter):
    class Meta:
        model = Offer
        fields = ["application", "status"]


def offer_list_for(*, user, filters=None) -> QuerySet[Offer]:
    # Lists carry no salary, so nothing is decrypted for a list.
    queryset = restrict(Offer.objects.select_related("position").defer("salary"), user=user)
    return filtered(OfferFilter, filters, queryset.order_by("-created_at", "id"))


def offer_detail_queryset(*, user) -> QuerySet[Offer]:
    approvals = OfferApproval.objects.select_related("approver").order_by("round", "order")
    return Offer.objects.select_related("position").prefetch_related(
        Prefetch("approvals", queryset=approvals)
    )


class CheckFilter(ApplicationScopedFilter):
    class Meta:
        model = BackgroundCheck
        fields = ["application", "status"]


def check_list_for(*, user, filters=None) -> QuerySet[BackgroundCheck]:
    queryset = restrict(BackgroundCheck.objects.defer("findings"), user=user)
    return filtered(CheckFilter, filters, queryset.order_by("-requested_at", "id"))


def check_detail_queryset(*, user) -> QuerySet[BackgroundCheck]:
    return BackgroundCheck.objects.all()
