"""Permission-filtered reads of interviews, assignments, assessments, reviews, scorecards, incidents,
completion rates, consent decisions (who may see them: `policies._consent`) and notifications."""

from datetime import datetime, timedelta

import django_filters
from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from candidates.models import Application
from candidates.selectors import application_detail_queryset
from hrsuite import trail
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import granted_keys, has_role, restrict
from hrsuite.roles import Role
from hrsuite.selectors import IntegerKeyFilter, filtered
from interviews.models import (
    WAITING_FOR_REVIEW,
    Accommodation,
    AIAssessment,
    AIDimensionScore,
    Consent,
    HumanReview,
    Incident,
    Interview,
    InterviewAssignment,
    Scorecard,
    WorkspaceGroup,
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


# --- Overdue scorecards: the one definition every page that counts or marks them uses -------------


def scorecard_due_at(interview: Interview) -> datetime:
    """When the assigned interviewers' scorecards are due: with the first reminder,
    HRSUITE_SCORECARD_REMINDER_HOURS after the interview ended, or after its scheduled end where
    no end was reported (the demo's past interviews, a provider that never said)."""
    ended = interview.ended_at or interview.starts_at + timedelta(minutes=interview.duration_minutes)
    return ended + timedelta(hours=settings.HRSUITE_SCORECARD_REMINDER_HOURS)


def scorecards_overdue(assignments: QuerySet[InterviewAssignment], *, now: datetime) -> QuerySet:
    """The assignments whose scorecard is overdue at `now`: the interview was held, the
    interviewer has not submitted (both in the assignment's workspace group, AWAITING), and
    `scorecard_due_at` has passed, counted from the end the assignment keeps (`interview_end`).
    The assignment's own columns answer it, along the `assignment_awaiting` index."""
    every = timedelta(hours=settings.HRSUITE_SCORECARD_REMINDER_HOURS)
    return assignments.filter(workspace_group=WorkspaceGroup.AWAITING, interview_ends_at__lte=now - every)


def _interviews():
    return Interview.objects.select_related("application__candidate", "application__position")


def interview_list_for(*, user, filters=None) -> QuerySet[Interview]:
    queryset = restrict(_interviews(), user=user).order_by("starts_at", "id")
    return filtered(InterviewFilter, filters, queryset)


# The list's filters that the interviewer's assignments answer on their own, as the assignment
# columns that carry them (kept with the interview by `assignments_follow`).
_FILTERS_ON_ASSIGNMENTS = {
    "status": "interview_status",
    "starts_after": "interview_starts_at__gte",
    "starts_before": "interview_starts_at__lt",
}


def interview_list_keys(*, user, filters=None) -> QuerySet | None:
    """The keys of `interview_list_for`'s interviews in its order, for an interviewer's list
    unfiltered or filtered by status and time only (None otherwise): from their assignments,
    which carry each interview's status and start, so a page is picked on an index of them
    (`assignment_interviewer_start`, or `assignment_workspace` for a status) and only its
    interviews are read. Sorting all of a busy interviewer's 30,000 interviews by their start
    took a second. The assignments are the interviewer's grants: both are made and revoked
    together (`assignment_create`)."""
    given = [name for name in InterviewFilter.base_filters if filters and filters.get(name)]
    if any(name not in _FILTERS_ON_ASSIGNMENTS for name in given):
        return None
    if granted_keys(Interview, user=user) is None:
        return None
    on_assignments = {}
    if given:  # a filter set is made and validated only to read filters that were given
        chosen = InterviewFilter(filters, queryset=Interview.objects.none())
        if not chosen.is_valid():
            return None  # the list itself refuses the filters, naming them
        on_assignments = {_FILTERS_ON_ASSIGNMENTS[name]: chosen.form.cleaned_data[name] for name in given}
    mine = restrict(InterviewAssignment.objects.all(), user=user).filter(interviewer=user, **on_assignments)
    return mine.order_by("interview_starts_at", "interview_id").values_list("interview_id", flat=True)


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
    interviewer = IntegerKeyFilter()

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


def _yes_or_no(**options) -> django_filters.TypedChoiceFilter:
    """A filter taking `true` or `false` only: anything else is a field error, not "no filter"."""
    return django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true", **options
    )


class CandidateAssessmentFilter(django_filters.FilterSet):
    """A candidate's own released results, by interview. Whether the AI flagged one for a person
    and whether a person has looked at it are not shown to them, so they cannot filter on it."""

    interview = django_filters.UUIDFilter()

    class Meta:
        model = AIAssessment
        fields = ["interview"]


class AssessmentFilter(CandidateAssessmentFilter):
    needs_human_review = _yes_or_no()
    waiting_for_review = _yes_or_no(method="_waiting")

    class Meta(CandidateAssessmentFilter.Meta):
        fields = ["interview", "needs_human_review", "waiting_for_review"]

    def _waiting(self, queryset, name, value):
        return queryset.filter(WAITING_FOR_REVIEW if value else ~WAITING_FOR_REVIEW)


def assessment_detail_queryset(*, user) -> QuerySet[AIAssessment]:
    reviews = HumanReview.objects.select_related("reviewer")
    dimensions = AIDimensionScore.objects.prefetch_related(Prefetch("reviews", queryset=reviews))
    return AIAssessment.objects.select_related("interview__application").prefetch_related(
        Prefetch("dimensions", queryset=dimensions)
    )


def assessment_list_for(*, user, filters=None) -> QuerySet[AIAssessment]:
    queryset = restrict(assessment_detail_queryset(user=user), user=user).order_by("-received_at", "id")
    filterset = CandidateAssessmentFilter if has_role(user, Role.CANDIDATE) else AssessmentFilter
    return filtered(filterset, filters, queryset)


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


# --- Incidents and completion rates (HR's view of technical failures) ---------------------------


class IncidentFilter(django_filters.FilterSet):
    region = django_filters.CharFilter()
    provider = django_filters.CharFilter()
    kind = django_filters.ChoiceFilter(choices=Incident.Kind.choices)
    resolution = django_filters.ChoiceFilter(choices=Incident.Resolution.choices)
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Incident
        fields = ["region", "provider", "kind", "resolution", "occurred_after", "occurred_before"]


def incident_detail_queryset(*, user) -> QuerySet[Incident]:
    return Incident.objects.select_related("interview")


def incident_list_for(*, user, filters=None) -> QuerySet[Incident]:
    queryset = restrict(incident_detail_queryset(user=user), user=user).order_by("-occurred_at", "id")
    return filtered(IncidentFilter, filters, queryset)


_FINISHED = {
    "completed": Interview.Status.COMPLETED,
    "technical_issue": Interview.Status.TECHNICAL_ISSUE,
    "no_show": Interview.Status.NO_SHOW,
}


def _completion_annotations() -> dict:
    return {
        "scheduled": Count("id", filter=~Q(status=Interview.Status.CANCELLED)),
        **{name: Count("id", filter=Q(status=status)) for name, status in _FINISHED.items()},
    }


def completion_counts(*, since: datetime, until: datetime, region: str | None = None) -> dict[str, int]:
    """Interviews that started in [since, until), by outcome (no permission filter: used by
    services deciding policy, never shown as is)."""
    queryset = Interview.objects.filter(starts_at__gte=since, starts_at__lt=until)
    if region is not None:
        queryset = queryset.filter(application__position__region=region)
    return queryset.aggregate(**_completion_annotations())


class CompletionRateFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="application__position__region")
    provider = django_filters.CharFilter()

    class Meta:
        model = Interview
        fields = ["region", "provider"]


def completion_rates_for(*, user, filters=None, days: int = 30) -> list[dict]:
    """Per region and provider, interviews that started in the last `days` days: how many were
    scheduled (not cancelled), completed, failed technically or missed, and the completion rate
    completed / (completed + technical_issue + no_show), None while nothing has finished."""
    now = timezone.now()
    queryset = restrict(Interview.objects.all(), user=user).filter(
        starts_at__gte=now - timedelta(days=days), starts_at__lt=now
    )
    queryset = filtered(CompletionRateFilter, filters, queryset)
    rows = (
        queryset.values(region=F("application__position__region"))
        .annotate(provider_name=F("provider"))
        .values("region", "provider_name")
        .annotate(**_completion_annotations())
        .order_by("region", "provider_name")
    )
    result = []
    for row in rows:
        finished = row["completed"] + row["technical_issue"] + row["no_show"]
        result.append(
            {
                "region": row["region"],
                "provider": row["provider_name"],
                "scheduled": row["scheduled"],
                "completed": row["completed"],
                "technical_issue": row["technical_issue"],
                "no_show": row["no_show"],
                "rate": round(row["completed"] / finished, 4) if finished else None,
            }
        )
    return result


def evidence_quotes(evidence) -> list[dict]:
    """A dimension score's evidence as the pages show it: each quote with its `span`."""
    return [
        {"quote": quote["quote"], "span": _span(quote.get("start_s"), quote.get("end_s"))}
        for quote in evidence
        if isinstance(quote, dict) and quote.get("quote")
    ]


def _clock(seconds) -> str:
    whole = int(float(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _span(start, end) -> str:
    """A quote's place in the recording, as a video player shows it: 0:12 to 0:15 with an en dash."""
    try:
        return f"{_clock(start)}\u2013{_clock(end)}" if end is not None else _clock(start)
    except (TypeError, ValueError):
        return ""


def application_with_feedback_queryset(*, user) -> QuerySet[Application]:
    """The applications API's rows (`candidates.selectors.application_detail_queryset`), with each
    finished interview's feedback for those who may read scorecards."""
    queryset = application_detail_queryset(user=user)
    if user.has_perm("interviews.view_scorecard"):
        # Staff see each finished interview's feedback summary on the timeline.
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


# --- Accommodations (docs/architecture.md, "Accommodations") -----------------------------------------


class AccommodationFilter(django_filters.FilterSet):
    interview = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter(field_name="interview__application__candidate")
    kind = django_filters.ChoiceFilter(choices=Accommodation.Kind.choices)
    state = django_filters.ChoiceFilter(choices=Accommodation.State.choices)
    # Asked for and not answered by its deadline.
    overdue = _yes_or_no(method="_overdue")

    class Meta:
        model = Accommodation
        fields = ["interview", "candidate", "kind", "state", "overdue"]

    def _overdue(self, queryset, name, value):
        late = Q(
            state=Accommodation.State.REQUESTED,
            answer_by__lt=timezone.now(),
            interview__status=Interview.Status.SCHEDULED,
        )
        return queryset.filter(late if value else ~late)


def accommodation_detail_queryset(*, user) -> QuerySet[Accommodation]:
    return Accommodation.objects.select_related("interview", "decided_by")


def accommodation_list_for(*, user, filters=None) -> QuerySet[Accommodation]:
    """Recruiters and HR admins see every request, a candidate their own, an interviewer the
    granted ones of the interviews they are assigned to; open ones soonest deadline first."""
    queryset = restrict(accommodation_detail_queryset(user=user), user=user)
    queryset = filtered(AccommodationFilter, filters, queryset)
    if (filters or {}).get("state") == Accommodation.State.REQUESTED:
        return queryset.order_by("answer_by", "id")
    return queryset.order_by("-requested_at", "id")


def interview_accommodations_for(*, user, interview, page: str) -> list[Accommodation]:
    """The accommodations of one interview that `user` sees (an interviewer: the granted ones),
    oldest first, read as one `list` event of the page that shows them."""
    rows = list(
        restrict(accommodation_detail_queryset(user=user), user=user)
        .filter(interview_id=interview.pk)
        .order_by("requested_at", "id")
    )
    if rows:
        trail.listed(actor=user, model=Accommodation, ids=[row.pk for row in rows], detail={"page": page})
    return rows
