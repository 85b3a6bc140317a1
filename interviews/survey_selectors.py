"""Permission-filtered reads of the candidate survey: the answers (recruiters and HR admins every
one, a candidate their own, interviewers none: `survey_policies`) and the kept results
(docs/architecture.md, "Candidate survey")."""

import django_filters
from django.db.models import QuerySet

from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from interviews.survey_models import InterviewSurvey, SurveyResult


class SurveyFilter(django_filters.FilterSet):
    interview = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter()
    answered = django_filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = InterviewSurvey
        fields = ["interview", "candidate", "answered"]


def survey_detail_queryset(*, user) -> QuerySet[InterviewSurvey]:
    return InterviewSurvey.objects.all()


def survey_list_for(*, user, filters=None) -> QuerySet[InterviewSurvey]:
    queryset = restrict(survey_detail_queryset(user=user), user=user).order_by("-sent_at", "id")
    return filtered(SurveyFilter, filters, queryset)


def survey_results_for(*, user, level: str | None = None) -> QuerySet[SurveyResult]:
    """The kept results HR reads (no policy gives anyone else a row); one level's, or all."""
    rows = restrict(SurveyResult.objects.all(), user=user)
    return rows.filter(level=level) if level else rows
