"""Permission-filtered reads of candidates' consent decisions (who may see them: `policies._consent`)."""

import django_filters
from django.db.models import QuerySet

from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from interviews.models import Consent


class ConsentFilter(django_filters.FilterSet):
    interview = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter()
    scope = django_filters.ChoiceFilter(choices=Consent.Scope.choices)
    decision = django_filters.ChoiceFilter(choices=Consent.Decision.choices)

    class Meta:
        model = Consent
        fields = ["interview", "candidate", "scope", "decision"]


def consent_detail_queryset(*, user) -> QuerySet[Consent]:
    return Consent.objects.select_related("notice")


def consent_list_for(*, user, filters=None) -> QuerySet[Consent]:
    """Recruiters and HR admins see every decision, a candidate their own, interviewers none."""
    queryset = restrict(consent_detail_queryset(user=user), user=user).order_by("-decided_at", "id")
    return filtered(ConsentFilter, filters, queryset)
