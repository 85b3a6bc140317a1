"""Permission-filtered reads of candidates, positions, applications and prior records."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext

from accounts.models import User
from candidates import names
from candidates.languages import language_of
from candidates.models import (
    OPEN_STAGES,
    STAGES_BEFORE_OUTCOME,
    Application,
    Candidate,
    Position,
    PriorRecord,
    ResumeFile,
    Stage,
    StageChange,
)
from candidates.services.candidates import email_index, phone_index
from hrsuite.permissions import granted_count, granted_keys, restrict, restrict_in_grant_order
from hrsuite.selectors import filtered
from hrsuite.visibility import may_see


def _searched_tokens_at_most(value: str) -> None:
    if len(names.searched_tokens(value)) > names.SEARCHED_TOKENS_AT_MOST:
        raise ValidationError(
            gettext("Search for at most %(count)d words or characters.")
            % {"count": names.SEARCHED_TOKENS_AT_MOST}
        )


class CandidateFilter(django_filters.FilterSet):
    # The name is encrypted: it is matched by the blind index of its tokens (`candidates.names`).
    q = django_filters.CharFilter(
        method="_by_name",
        max_length=200,
        validators=[_searched_tokens_at_most],
        label=(
            "Name: candidates whose name has every word given, whole (not part of a word); "
            "a Chinese name also by one character or neighbouring characters (娜, 小明)"
        ),
    )
    email = django_filters.CharFilter(method="_by_email", label="E-mail (exact)")
    phone = django_filters.CharFilter(method="_by_phone", label="Phone (exact)")
    region = django_filters.CharFilter()
    position = django_filters.UUIDFilter(field_name="applications__position", distinct=True)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="_by_stage")

    class Meta:
        model = Candidate
        fields = ["q", "email", "phone", "region", "position", "stage"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _by_name(self, queryset, name, value):
        tokens = names.searched_tokens(value)
        if not tokens:  # only punctuation: no word to find anyone by
            return queryset.none()
        # One join of the token table per token (each filter() on a relation joins it again),
        # along its (token, candidate) index; a candidate has each token once, so each joined
        # row is one candidate.
        for token in sorted(tokens):
            queryset = queryset.filter(name_tokens__token=names.token_index(token))
        return queryset

    def _by_email(self, queryset, name, value):
        return queryset.filter(email_index=email_index(value))

    def _by_phone(self, queryset, name, value):
        index = phone_index(value)
        return queryset.filter(phone_index=index) if index else queryset.none()

    def _by_stage(self, queryset, name, value):
        # By the stage as the reader sees it (as stored when the filter is given no reader).
        if self.user is None or may_see(self.user, Application, "stage"):
            return queryset.filter(applications__stage=value).distinct()
        seen = applications_as_seen(restrict(Application.objects.all(), user=self.user), user=self.user)
        return queryset.filter(pk__in=seen.filter(seen_stage=value).values("candidate_id"))


def candidate_search_for_trail(params) -> dict:
    """A candidate search as the audit trail keeps it. The trail is not encrypted, so a searched
    e-mail or phone is kept as its blind index (which still finds the candidate) and a name search
    only as such; never the address, the number or the name."""
    query = {key: value for key, value in params.items() if key != "format"}
    if query.get("email"):
        query["email"] = f"blind-index:{email_index(query['email'])}"
    if query.get("phone"):
        query["phone"] = f"blind-index:{phone_index(query['phone'])}"
    if query.get("q"):
        query["q"] = "[name search]"
    return query


# Lists show no personal data beyond the name, so they neither fetch nor decrypt these.
_ENCRYPTED = ("email", "phone", "national_id", "date_of_birth", "resume_text")


def candidate_list_for(*, user, filters=None) -> QuerySet[Candidate]:
    """The candidates `user` may see, newest first; an interviewer's, those most recently
    assigned to them first (read along their grants, see `restrict_in_grant_order`)."""
    candidates = Candidate.objects.defer(*_ENCRYPTED)
    queryset = restrict_in_grant_order(candidates, user=user)
    if queryset is None:
        queryset = restrict(candidates, user=user).order_by("-created_at", "id")
    return filtered(CandidateFilter, filters, queryset, user=user)


def _filtered_by(filters, filterset) -> bool:
    return bool(filters) and any(filters.get(name) for name in filterset.base_filters)


def candidate_list_count(*, user, filters=None) -> int | None:
    """How many candidates `candidate_list_for` lists, where that is known without counting the
    list: an interviewer's unfiltered list is as long as their grants. None otherwise."""
    return None if _filtered_by(filters, CandidateFilter) else granted_count(Candidate, user=user)


def candidate_list_keys(*, user, filters=None) -> QuerySet | None:
    """The keys of `candidate_list_for`'s candidates in its order, where a page of them can be
    picked from an index alone: an interviewer's unfiltered list, from their grants. None
    otherwise."""
    return None if _filtered_by(filters, CandidateFilter) else granted_keys(Candidate, user=user)


def applications_as_seen(applications: QuerySet[Application], *, user) -> QuerySet[Application]:
    """The applications with `seen_stage` and `seen_stage_changed_at` to filter and order by: each
    one's stage and since when, as `user` reads them (see the presentation on `Application`)."""
    if may_see(user, Application, "stage"):
        return applications.alias(seen_stage=F("stage"), seen_stage_changed_at=F("stage_changed_at"))
    last = StageChange.objects.filter(application=OuterRef("pk"), to_stage__in=STAGES_BEFORE_OUTCOME)
    last = last.order_by("-at")
    before = Q(stage__in=STAGES_BEFORE_OUTCOME)
    return applications.alias(
        seen_stage=Case(
            When(before, then=F("stage")),
            default=Coalesce(Subquery(last.values("to_stage")[:1]), Value(Stage.APPLIED)),
            output_field=CharField(),
        ),
        seen_stage_changed_at=Case(
            When(before, then=F("stage_changed_at")),
            default=Coalesce(Subquery(last.values("at")[:1]), F("created_at")),
            output_field=DateTimeField(),
        ),
    )


def _timeline_for(user) -> Prefetch:
    """The stage changes of an application that the user may see (an interviewer's stop where
    the application's outcome begins)."""
    return Prefetch(
        "stage_history", queryset=restrict(StageChange.objects.select_related("actor"), user=user)
    )


def candidate_detail_queryset(*, user) -> QuerySet[Candidate]:
    """A candidate with the parts of their file the user may see, fetched in a fixed number of queries."""
    applications = restrict(Application.objects.all(), user=user).select_related("position")
    applications = applications.prefetch_related(_timeline_for(user))
    prior = restrict(PriorRecord.objects.all(), user=user)
    return Candidate.objects.prefetch_related(
        Prefetch("applications", queryset=applications), Prefetch("prior_records", queryset=prior)
    )


class ApplicationFilter(django_filters.FilterSet):
    candidate = django_filters.UUIDFilter()
    position = django_filters.UUIDFilter()
    stage = django_filters.ChoiceFilter(field_name="seen_stage", choices=Stage.choices)

    class Meta:
        model = Application
        fields = ["candidate", "position", "stage"]


def application_list_for(*, user, filters=None) -> QuerySet[Application]:
    queryset = restrict(Application.objects.select_related("candidate", "position"), user=user)
    if not may_see(user, Application, "stage"):
        # They read each stage as it stood before the outcome, which their timeline gives.
        queryset = queryset.prefetch_related(_timeline_for(user))
    queryset = applications_as_seen(queryset, user=user).order_by("-seen_stage_changed_at", "id")
    return filtered(ApplicationFilter, filters, queryset)


def application_detail_queryset(*, user) -> QuerySet[Application]:
    queryset = Application.objects.select_related("candidate", "position").prefetch_related(
        _timeline_for(user)
    )
    return queryset


class PositionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Position.Status.choices)
    region = django_filters.CharFilter()
    department = django_filters.CharFilter(max_length=120)

    class Meta:
        model = Position
        fields = ["status", "region", "department"]


def title_order(language: str | None = None, *, prefix: str = "") -> Coalesce:
    """Positions ordered by their title as a reader of `language` (the active one when None)
    reads it: in that language, else in the other (`Position.title`)."""
    first = Position.TITLE_FIELDS[language_of(language)]
    second = next(name for name in Position.TITLE_FIELDS.values() if name != first)
    return Coalesce(NullIf(F(f"{prefix}{first}"), Value("")), F(f"{prefix}{second}"))


def position_list_for(*, user, filters=None) -> QuerySet[Position]:
    """The positions `user` may see, by title in the reader's language."""
    queryset = restrict(Position.objects.order_by(title_order(), "id"), user=user)
    return filtered(PositionFilter, filters, queryset)


def position_detail_queryset(*, user) -> QuerySet[Position]:
    """A position with its hiring team."""
    return Position.objects.select_related("owner").prefetch_related(
        Prefetch("interviewers", queryset=User.objects.order_by("username", "pk"))
    )


def position_open_applications(*, user, position: Position, limit: int) -> QuerySet[Application]:
    """The position's applications still open (not rejected, withdrawn or hired) that `user` may
    see, oldest first, the first `limit` of them, with their candidates."""
    queryset = restrict(Application.objects.select_related("candidate"), user=user)
    queryset = queryset.filter(position=position, stage__in=OPEN_STAGES).order_by("created_at", "id")
    return queryset[:limit]


def position_open_application_count(*, user, position: Position) -> int:
    queryset = restrict(Application.objects.all(), user=user)
    return queryset.filter(position=position, stage__in=OPEN_STAGES).count()


class PriorRecordFilter(django_filters.FilterSet):
    candidate = django_filters.UUIDFilter()
    kind = django_filters.ChoiceFilter(choices=PriorRecord.Kind.choices)

    class Meta:
        model = PriorRecord
        fields = ["candidate", "kind"]


def prior_record_list_for(*, user, filters=None) -> QuerySet[PriorRecord]:
    queryset = restrict(PriorRecord.objects.order_by("-period_start", "id"), user=user)
    return filtered(PriorRecordFilter, filters, queryset)


# --- Résumé files --------------------------------------------------------------------------------

# What a list or a page shows of a file: never its content (decrypted only to be handed out, as an
# audited export) nor its hash.
_RESUME_CONTENT = ("content_base64", "sha256")


class ResumeFileFilter(django_filters.FilterSet):
    candidate = django_filters.UUIDFilter()
    status = django_filters.ChoiceFilter(choices=ResumeFile.Status.choices)

    class Meta:
        model = ResumeFile
        fields = ["candidate", "status"]


def resume_file_list_for(*, user, filters=None) -> QuerySet[ResumeFile]:
    """The résumé files `user` may see, newest first, without their content."""
    queryset = ResumeFile.objects.defer(*_RESUME_CONTENT).select_related("uploaded_by")
    queryset = restrict(queryset.order_by("-created_at", "-id"), user=user)
    return filtered(ResumeFileFilter, filters, queryset)


def resume_file_detail_queryset(*, user) -> QuerySet[ResumeFile]:
    """One file's description; its content is read only by `resume_file_content`."""
    return ResumeFile.objects.defer("content_base64").select_related("uploaded_by")


def resume_files_shown(*, user) -> QuerySet[ResumeFile]:
    """A candidate's files as a page lists them (`Prefetch` or filtered by candidate), newest first:
    at most HRSUITE_RESUME_FILES_KEPT each, as the upload keeps them."""
    queryset = ResumeFile.objects.defer(*_RESUME_CONTENT).select_related("uploaded_by")
    return restrict(queryset, user=user).order_by("-created_at", "-id")
