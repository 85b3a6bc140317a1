"""Permission-filtered reads of candidates, positions, applications and prior records."""

import django_filters
from django.db.models import Prefetch, QuerySet

from candidates.models import Application, Candidate, Position, PriorRecord, Stage, StageChange
from candidates.services import email_index
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="full_name", lookup_expr="icontains", label="Name contains")
    email = django_filters.CharFilter(method="_by_email", label="E-mail (exact)")
    region = django_filters.CharFilter()
    position = django_filters.UUIDFilter(field_name="applications__position", distinct=True)
    stage = django_filters.ChoiceFilter(
        field_name="applications__stage", choices=Stage.choices, distinct=True
    )

    class Meta:
        model = Candidate
        fields = ["q", "email", "region", "position", "stage"]

    def _by_email(self, queryset, name, value):
        return queryset.filter(email_index=email_index(value))


def candidate_search_for_trail(params) -> dict:
    """A candidate search as the audit trail keeps it. The trail is not encrypted, so a searched
    e-mail is kept as its blind index (which still finds the candidate) and a name search only as
    such; never the address or the name."""
    query = {key: value for key, value in params.items() if key != "format"}
    if query.get("email"):
        query["email"] = f"blind-index:{email_index(query['email'])}"
    if query.get("q"):
        query["q"] = "[name search]"
    return query


# Lists show no personal data beyond the name, so they neither fetch nor decrypt these.
_ENCRYPTED = ("email", "phone", "national_id", "date_of_birth", "resume_text")


def candidate_list_for(*, user, filters=None) -> QuerySet[Candidate]:
    queryset = restrict(Candidate.objects.defer(*_ENCRYPTED), user=user).order_by("-created_at", "id")
    return filtered(CandidateFilter, filters, queryset)


def candidate_detail_queryset(*, user) -> QuerySet[Candidate]:
    """A candidate with the parts of their file the user may see, fetched in a fixed number of queries."""
    applications = restrict(Application.objects.all(), user=user).select_related("position")
    applications = applications.prefetch_related(
        Prefetch("stage_history", queryset=StageChange.objects.select_related("actor"))
    )
    prior = restrict(PriorRecord.objects.all(), user=user)
    return Candidate.objects.prefetch_related(
        Prefetch("applications", queryset=applications), Prefetch("prior_records", queryset=prior)
    )


class ApplicationFilter(django_filters.FilterSet):
    candidate = django_filters.UUIDFilter()
    position = django_filters.UUIDFilter()
    stage = django_filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = Application
        fields = ["candidate", "position", "stage"]


def application_list_for(*, user, filters=None) -> QuerySet[Application]:
    queryset = restrict(Application.objects.select_related("candidate", "position"), user=user)
    return filtered(ApplicationFilter, filters, queryset.order_by("-stage_changed_at", "id"))


def application_detail_queryset(*, user) -> QuerySet[Application]:
    queryset = Application.objects.select_related("candidate", "position").prefetch_related(
        Prefetch("stage_history", queryset=StageChange.objects.select_related("actor"))
    )
    if user.has_perm("interviews.view_scorecard"):
        # Staff see each finished interview's feedback summary on the timeline.
        from interviews.models import Interview, Scorecard

        summarised = (
            Interview.objects.filter(summary_sent_at__isnull=False)
            .select_related("assessment", "application__position")
            .prefetch_related(
                Prefetch("scorecards", queryset=Scorecard.objects.select_related("interviewer"))
            )
            .order_by("summary_sent_at")
        )
        queryset = queryset.prefetch_related(
            Prefetch("interviews", queryset=summarised, to_attr="summarised_interviews")
        )
    return queryset


class PositionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Position.Status.choices)
    region = django_filters.CharFilter()

    class Meta:
        model = Position
        fields = ["status", "region", "department"]


def position_list_for(*, user, filters=None) -> QuerySet[Position]:
    return filtered(PositionFilter, filters, restrict(Position.objects.order_by("title", "id"), user=user))


class PriorRecordFilter(django_filters.FilterSet):
    candidate = django_filters.UUIDFilter()
    kind = django_filters.ChoiceFilter(choices=PriorRecord.Kind.choices)

    class Meta:
        model = PriorRecord
        fields = ["candidate", "kind"]


def prior_record_list_for(*, user, filters=None) -> QuerySet[PriorRecord]:
    queryset = restrict(PriorRecord.objects.order_by("-period_start", "id"), user=user)
    return filtered(PriorRecordFilter, filters, queryset)
