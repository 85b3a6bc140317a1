"""Reads behind HR's candidate pages: the candidate list with each row's applications and next
interview, the whole candidate file, and HR's interview page, each in a fixed number of queries.

Everything starts from `restrict()` through the apps' own selectors. A file or interview page is
ONE `view` event naming the candidate, whose detail lists the records the page showed (interviews,
assessments, scorecards, decisions, offers, checks, onboarding plans), so "who saw this person's
assessment or offer" is answered by one event per page rather than one per row.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from uuid import UUID

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.expressions import Expression, RawSQL
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from analytics.selectors import ratings_of
from audit.models import AuditAction
from audit.services import audit_list, audit_record
from candidates.models import (
    OPEN_STAGES,
    Application,
    Candidate,
    Position,
    PriorRecord,
    Stage,
    StageChange,
    title_in,
)
from candidates.selectors import CandidateFilter, resume_files_shown, title_order
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.permissions import restrict
from hrsuite.roles import Role
from hrsuite.selectors import filtered
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    Consent,
    HumanReview,
    Incident,
    Interview,
    InterviewAssignment,
    Scorecard,
)
from interviews.selectors import consent_detail_queryset, interview_detail_queryset
from notifications.models import Notification
from notifications.selectors import notification_detail_queryset
from onboarding.selectors import (
    check_detail_queryset,
    decision_detail_queryset,
    offer_detail_queryset,
    plan_detail_queryset,
)

# The list shows name and e-mail (and when the candidate last changed); the rest of the personal
# data stays encrypted in the row.
_LISTED = ("full_name", "email", "created_at", "updated_at")


# --- The candidate list -----------------------------------------------------------------------------


# A list narrowed by position or stage is counted up to this many; the page says "more than" and
# pages through the newest this many (narrower filters reach the others).
COUNTED_UP_TO = 10_000


# How the list may be sorted (`sort`): by when the candidate was added, by how long their
# application has been in its stage, or by position. Never by name: it is encrypted.
SORTS = {
    "-added": "newest first",
    "added": "oldest first",
    "in_stage": "longest in their stage first",
    "-in_stage": "latest stage change first",
    "position": "position",
}
DEFAULT_SORT = "-added"


def _day_start(day):
    """Midnight starting `day` in the viewer's zone, as the list's dates are read."""
    return timezone.make_aware(datetime.combine(day, time.min))


class CandidatePageFilter(CandidateFilter):
    """The list's filters: the search (a name's words, an exact e-mail or phone, through their
    blind indexes), position, stage, source, the dates the candidate was added between, and the
    order (docs/architecture.md, "Finding candidates").

    Position and stage together mean ONE application for that position at that stage, not any
    application for the position and any (other) application at the stage: one subquery, which
    also spares the list a DISTINCT over the whole table. A viewer who sees every candidate gets
    the list narrowed by these from the applications instead (`candidate_page_keys`).
    """

    position = django_filters.UUIDFilter(method="_by_application", label="Position")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="_by_application", label="Stage")
    source = django_filters.CharFilter(max_length=60, label="Source")
    added_from = django_filters.DateFilter(method="_added_from", label="Added from")
    added_to = django_filters.DateFilter(method="_added_to", label="Added until")
    sort = django_filters.ChoiceFilter(choices=list(SORTS.items()), method="_by_application", label="Sort")

    class Meta(CandidateFilter.Meta):
        fields = ["email", "phone", "position", "stage", "source", "added_from", "added_to", "sort"]

    def _by_application(self, queryset, name, value):
        return queryset  # applied once for all in `filter_queryset`

    def _added_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def _added_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        wanted = self.by_application()
        if wanted:
            queryset = queryset.filter(Exists(Application.objects.filter(**wanted, candidate=OuterRef("pk"))))
        return _sorted(queryset, self.form.cleaned_data.get("sort") or DEFAULT_SORT, wanted)

    def by_application(self) -> dict:
        """The filters an application answers: position and stage, those given."""
        data = self.form.cleaned_data
        return {name: data[name] for name in ("position", "stage") if data.get(name)}


def _sorted(queryset: QuerySet[Candidate], sort: str, wanted: dict) -> QuerySet[Candidate]:
    """The candidates in the order `sort` names; by an application's stage change or position,
    the application of theirs the filters name (else any open one), candidates without one last."""
    if sort == "added":
        return queryset.order_by("created_at", "-id")
    if sort not in ("in_stage", "-in_stage", "position"):
        return queryset.order_by("-created_at", "id")
    theirs = Application.objects.filter(candidate=OuterRef("pk"), **wanted)
    if "stage" not in wanted:
        theirs = theirs.filter(stage__in=OPEN_STAGES)
    if sort == "position":
        # Positions of one title apart, in the order of their ids, as `KeysByPosition` has them.
        first = theirs.order_by(title_order(prefix="position__"), "position_id")
        return queryset.annotate(
            sorted_by=Subquery(first.values(title=title_order(prefix="position__"))[:1]),
            sorted_position=Subquery(first.values("position_id")[:1]),
        ).order_by(F("sorted_by").asc(nulls_last=True), "sorted_position", "-created_at", "id")
    longest = theirs.order_by("stage_changed_at").values("stage_changed_at")[:1]
    latest = theirs.order_by("-stage_changed_at").values("stage_changed_at")[:1]
    if sort == "in_stage":
        by = Subquery(longest)
        return queryset.annotate(sorted_by=by).order_by(
            F("sorted_by").asc(nulls_last=True), "-created_at", "id"
        )
    return queryset.annotate(sorted_by=Subquery(latest)).order_by(
        F("sorted_by").desc(nulls_last=True), "-created_at", "id"
    )


def candidate_page_list(*, user, filters=None) -> QuerySet[Candidate]:
    """The candidates of the list page, filtered and sorted (newest first unless `sort` says
    otherwise): the list's keys, whose page's rows are read from `candidate_page_rows`."""
    queryset = restrict(Candidate.objects.all(), user=user)
    return filtered(CandidatePageFilter, filters, queryset)


# Filters that only the candidates answer: a list given one reads itself (`candidate_page_keys`).
_CANDIDATE_FILTERS = ("q", "email", "phone", "region", "source")


def candidate_page_keys(*, user, filters=None):
    """The keys of `candidate_page_list`'s candidates in its order, read from the applications
    where the viewer sees every candidate and every application and nothing but position, stage,
    the dates added between and the order narrows the list: along one of the applications'
    indexes, a page at a time, without reading a candidate or sorting the matches. At 1,000,000
    candidates a position holds 30,000 of them and a stage 400,000: reading the candidates
    newest first and keeping those with a matching application grew with the page's depth,
    reading the matches first with their number, and sorting them all by time in stage took
    seconds.

    - Newest or oldest first, narrowed by position or stage: the matching applications, by when
      their candidate was added (`Application.candidate_created_at`).
    - By time in stage: each candidate's longest waiting (or latest moved) matching application,
      along its time in stage (`_by_time_in_stage`). Not narrowed, the candidates without an open
      application follow, newest first, as in the candidates' own list.
    - By position: by the title of the first of their matching (else open) applications'
      positions, newest first within each position (`KeysByPosition`), the candidates without an
      open application after them where the list is not narrowed. Narrowed by a position, every
      candidate has the same one: newest first.

    The two lists agree: every application has exactly one candidate. None where the list reads
    itself: a search or source, an order not above, invalid filters, or a viewer who does not see
    every candidate and every application."""
    filters = filters or {}
    if (
        not any(filters.get(name) for name in ("position", "stage"))
        and filters.get("sort") not in _KEYED_SORTS
    ):
        return None  # without making and validating a filter set only to find neither
    filterset = CandidatePageFilter(filters, queryset=Candidate.objects.none())
    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    wanted = filterset.by_application()
    sort = data.get("sort") or DEFAULT_SORT
    if sort == "position" and "position" in wanted:
        sort = DEFAULT_SORT
    keyed = sort in _KEYED_SORTS or (wanted and sort in ("added", "-added"))
    if not keyed or any(data.get(name) for name in _CANDIDATE_FILTERS):
        return None
    if any(
        restrict(model.objects.all(), user=user).query.has_filters() for model in (Candidate, Application)
    ):
        return None
    matching = Application.objects.filter(**wanted)
    if data.get("added_from"):
        matching = matching.filter(candidate_created_at__gte=_day_start(data["added_from"]))
    if data.get("added_to"):
        matching = matching.filter(candidate_created_at__lt=_day_start(data["added_to"] + timedelta(days=1)))
    if sort in _IN_STAGE:
        keys = _by_time_in_stage(matching, wanted, longest=sort == "in_stage")
        return _with_the_rest(CountedKeys(keys, _everyone(matching, wanted)), wanted, data)
    if sort == "position":
        return _with_the_rest(_by_position(matching, wanted, user=user), wanted, data)
    if sort == "added":
        keys = matching.order_by("candidate_created_at", "-candidate_id")
    else:
        keys = matching.order_by("-candidate_created_at", "candidate_id")
    keys = keys.values_list("candidate_id", flat=True)
    # A stage alone may hold a candidate twice; a position may not (`application_once_per_position`).
    return keys if "position" in wanted else keys.distinct()


_IN_STAGE = ("in_stage", "-in_stage")
_KEYED_SORTS = (*_IN_STAGE, "position")


def _by_time_in_stage(matching: QuerySet, wanted: dict, *, longest: bool) -> QuerySet:
    """The candidates of `matching` (open applications, unless a stage is named) by the time in
    stage of their longest waiting (`longest`) or latest moved application among them, ties
    newest first, as `_sorted` orders the list: each candidate's one application is the one no
    other of theirs in `matching` comes before (a probe of their two or three), so the page reads
    along `application_stage_since` or `application_open_since` and sorts nothing."""
    matching = _open_unless_staged(matching, wanted)
    before = "lt" if longest else "gt"
    others = matching.filter(candidate=OuterRef("candidate")).filter(
        Q(**{f"stage_changed_at__{before}": OuterRef("stage_changed_at")})
        | Q(stage_changed_at=OuterRef("stage_changed_at"), **{f"id__{before}": OuterRef("id")})
    )
    since = F("stage_changed_at").asc() if longest else F("stage_changed_at").desc()
    return (
        matching.filter(~Exists(others))
        .order_by(since, "-candidate_created_at", "candidate_id")
        .values_list("candidate_id", flat=True)
    )


def _by_position(matching: QuerySet, wanted: dict, *, user) -> "KeysByPosition":
    matching = _open_unless_staged(matching, wanted)
    positions = restrict(Position.objects.order_by(title_order(), "id"), user=user).values_list(
        "pk", flat=True
    )
    return KeysByPosition(matching, list(positions))


def _everyone(matching: QuerySet, wanted: dict) -> QuerySet:
    """Each candidate of `matching` (open applications unless a stage is named) once, along the
    applications' newest-first indexes: what a list of theirs in any order counts."""
    matching = _open_unless_staged(matching, wanted).order_by("-candidate_created_at", "candidate_id")
    keys = matching.values_list("candidate_id", flat=True)
    return keys if "position" in wanted else keys.distinct()


class CountedKeys:
    """Keys in one order, counted from another list of the same keys that counts faster (the
    order by time in stage probes each candidate's other applications; the same candidates newest
    first are counted from an index alone)."""

    def __init__(self, keys: QuerySet, counted: QuerySet):
        self.keys, self.counted = keys, counted

    def __getitem__(self, window: slice) -> list:
        return list(self.keys[window])

    def count_up_to(self, limit: int) -> int:
        return self.counted[:limit].count()


def _open_unless_staged(matching: QuerySet, wanted: dict) -> QuerySet:
    return matching if "stage" in wanted else matching.filter(stage__in=OPEN_STAGES)


def _with_the_rest(keys, wanted: dict, data: dict):
    """`keys` followed, where the list is not narrowed, by the candidates with no open
    application, newest first, as `_sorted` puts them last."""
    if wanted:
        return keys
    # Every candidate added between the dates, once: the keys and the rest together.
    listed = Candidate.objects.order_by("-created_at", "id")
    if data.get("added_from"):
        listed = listed.filter(created_at__gte=_day_start(data["added_from"]))
    if data.get("added_to"):
        listed = listed.filter(created_at__lt=_day_start(data["added_to"] + timedelta(days=1)))
    open_application = Application.objects.filter(candidate=OuterRef("pk"), stage__in=OPEN_STAGES)
    rest = listed.filter(~Exists(open_application)).values_list("pk", flat=True)
    return KeysThenRest(keys, rest, listed=listed.values_list("pk", flat=True))


def _count_up_to(keys, limit: int) -> int:
    return keys.count_up_to(limit) if hasattr(keys, "count_up_to") else keys[:limit].count()


class KeysByPosition:
    """The candidates of `matching`, by position (the positions given in title order), newest
    first within each, each candidate once: under the first of their positions. A window reads
    each position's applications along `application_position_newest` (or `_position_stage_new`),
    counting a position's only as far as the window reaches, from the first position to the
    last the window needs: at 1,000,000 candidates sorting every application by its position's
    title took seconds."""

    def __init__(self, matching: QuerySet, positions: list):
        self.matching, self.positions = matching, positions

    def _of(self, index: int) -> QuerySet:
        keys = self.matching.filter(position_id=self.positions[index])
        if index:
            earlier = self.matching.filter(
                candidate=OuterRef("candidate"), position_id__in=self.positions[:index]
            )
            keys = keys.filter(~Exists(earlier))
        return keys.order_by("-candidate_created_at", "candidate_id").values_list("candidate_id", flat=True)

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        keys, before = [], 0
        for index in range(len(self.positions)):
            if stop is not None and before >= stop:
                break
            group = self._of(index)
            held = group.count() if stop is None else group[: stop - before].count()
            if before + held > start:
                keys += list(group[max(start - before, 0) : None if stop is None else stop - before])
            before += held
        return keys

    def count_up_to(self, limit: int) -> int:
        """Each candidate with a matching application is under one position: counted as the
        distinct candidates of `matching`, along the unique index of candidate and position."""
        everyone = self.matching.order_by().values("candidate_id").distinct()
        return everyone[:limit].count()


class KeysThenRest:
    """Two lists of keys read as one, the first then the rest, a window at a time (what
    `KeysFirstPaginator` asks of its keys): the rest is read only by a window the first does
    not fill. `listed` holds the keys of both in any order, to count them."""

    def __init__(self, first, rest: QuerySet, *, listed: QuerySet):
        self.first, self.rest, self.listed = first, rest, listed

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        keys = list(self.first[start:stop])
        if stop is not None and len(keys) == stop - start:
            return keys
        # The first ends inside the window (or before it): the rest goes on from there.
        held = start + len(keys) if keys else _count_up_to(self.first, start)
        return keys + list(self.rest[max(start - held, 0) : None if stop is None else stop - held])

    def count_up_to(self, limit: int) -> int:
        """Counted from `listed`, every key of both once, along the candidates' own index."""
        return self.listed[:limit].count()


def candidate_page_rows(*, user) -> QuerySet[Candidate]:
    """The candidates as a list page shows them; `candidate_rows` reads the rest of a page's rows."""
    return restrict(Candidate.objects.only(*_LISTED), user=user)


def candidate_page_count(keys) -> int:
    """How many candidates `candidate_page_keys` gave, up to COUNTED_UP_TO + 1 (more than
    COUNTED_UP_TO), from the same index: a whole stage's exact count at 1,000,000 candidates
    alone takes longer than the page may."""
    return _count_up_to(keys, COUNTED_UP_TO + 1)


@dataclass
class CandidateRow:
    candidate: Candidate
    applications: list[Application]
    next_interview: Interview | None
    last_activity: datetime
    # The page's links to the file and the next interview, set by the view.
    file_url: str = ""
    interview_url: str = ""


def candidate_rows(candidates: list[Candidate], *, user) -> list[CandidateRow]:
    """The list rows of a page of `candidate_page_rows`: each candidate's applications (position
    and stage, the latest change first) and their next interview (scheduled, not yet started), in
    two queries for the whole page.

    Read and grouped here, by key: prefetch_related's bookkeeping (each candidate's and each
    application's related caches, filters built from the instances) cost more than the reads."""
    applications = list(
        restrict(Application.objects.filter(candidate_id__in=[c.pk for c in candidates]), user=user)
        .annotate(**{f"position_{name}": F(f"position__{name}") for name in Position.TITLE_FIELDS.values()})
        .only("candidate", "stage", "stage_changed_at")
        .order_by("-stage_changed_at", "id")
    )
    upcoming = restrict(
        Interview.objects.filter(
            application_id__in=[a.pk for a in applications],
            status=Interview.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        ),
        user=user,
    ).only("application", "kind", "starts_at")
    # The first of a candidate's interviews in start order is their next one.
    candidate_of = {a.pk: a.candidate_id for a in applications}
    next_interview: dict[UUID, Interview] = {}
    for interview in upcoming.order_by("starts_at", "id"):
        next_interview.setdefault(candidate_of[interview.application_id], interview)
    listed: dict[UUID, list[Application]] = {c.pk: [] for c in candidates}
    now = timezone.now()
    for application in applications:
        application.position_title = title_in(vars(application), prefix="position_")
        application.days_in_stage = days_in_stage(application, now=now)
        listed[application.candidate_id].append(application)
    return [
        CandidateRow(
            candidate=candidate,
            applications=listed[candidate.pk],
            next_interview=next_interview.get(candidate.pk),
            last_activity=max([candidate.updated_at, *(a.stage_changed_at for a in listed[candidate.pk])]),
        )
        for candidate in candidates
    ]


def days_in_stage(application: Application, *, now: datetime) -> int | None:
    """Whole days since the application entered its stage (as the reader sees it), for one still
    under way; None for one rejected, withdrawn or hired, which waits for nothing."""
    if application.stage not in OPEN_STAGES:
        return None
    return max((now - application.stage_changed_at).days, 0)


def positions_for(*, user, open_only: bool = False) -> QuerySet[Position]:
    """The positions `user` may see, by title in the reader's language."""
    queryset = restrict(Position.objects.order_by(title_order(), "id"), user=user)
    return queryset.filter(status=Position.Status.OPEN) if open_only else queryset


def candidate_by_email(*, user, email: str) -> Candidate | None:
    """The candidate with this exact e-mail (blind index), if the user may see them."""
    return filtered(CandidateFilter, {"email": email}, restrict(Candidate.objects.all(), user=user)).first()


def candidate_id_found_by_email(*, user, email: str, page: str) -> UUID:
    """The id of the candidate with this exact e-mail, for a page's "find by e-mail" form: one
    `list` event naming whom it found, without the address. ValidationFailed (field `email`)
    when the address is not one, or no candidate the user may see has it."""
    try:
        validate_email(email)
    except ValidationError:
        message = gettext("Enter a valid e-mail address.")
        raise ValidationFailed(message, fields={"email": [message]}) from None
    visible = restrict(Candidate.objects.all(), user=user)
    found = filtered(CandidateFilter, {"email": email}, visible).values_list("pk", flat=True).first()
    if found is None:
        message = gettext("No candidate has this e-mail address.")
        raise ValidationFailed(message, fields={"email": [message]})
    audit_list(actor=user, model=Candidate, ids=[found], detail={"page": page, "lookup": "email"})
    return found


def active_users_with(role: Role) -> QuerySet[User]:
    """Who may be chosen for a role's part (interviewers to assign, recruiters to approve)."""
    return active_users_by_role(role)


def active_users_by_role(*roles: Role) -> QuerySet[User]:
    """`active_users_with` for several roles in one query, each user once per role of theirs
    with that role's name as `role`."""
    named = [role.value for role in roles]
    users = User.objects.filter(groups__name__in=named, is_active=True).annotate(role=F("groups__name"))
    return users.order_by("username", "pk")


# --- The candidate file and the interview page ------------------------------------------------------

# What the file and the interview page print of each record, and the keys that tie the records
# together: a column left out is neither compiled into its query nor sent nor converted, on every
# row. A person is printed by name (`get_full_name()`, else `get_username()`).
_PERSON = ("username", "first_name", "last_name")


def _named(*relations: str) -> tuple[str, ...]:
    """The columns of the people `relations` lead to that the pages print, with the relations."""
    return (*relations, *(f"{relation}__{name}" for relation in relations for name in _PERSON))


# The profile. Identity documents and birth dates are not needed to decide on a hire (and a birth
# date invites age bias), so no HR page fetches or decrypts them.
_CANDIDATE_COLUMNS = (
    *("created_at", "user", "full_name", "email", "phone", "region", "time_zone", "preferred_language"),
    *("resume_text", "source", "erased_at"),
)
_APPLICATION_COLUMNS = ("candidate", "stage", "stage_changed_at", "position")
# The position's dimension labels name the assessment's scores; its dimensions, the ratings a
# hire's form asks for.
_POSITION_COLUMNS = (
    *Position.title_columns("position__"),
    *("position__department", "position__region", "position__dimension_labels"),
    "position__dimension_weights",
)
_STAGE_CHANGE_COLUMNS = ("application", "from_stage", "to_stage", "at", "reason", *_named("actor"))
_INTERVIEW_COLUMNS = (
    *("application", "kind", "provider", "starts_at", "duration_minutes", "candidate_time_zone"),
    *("join_url", "status", "results_released_at"),
)
# The interview page's own interview, with its application's position and candidate's name.
_INTERVIEW_PAGE_COLUMNS = (
    *_INTERVIEW_COLUMNS,
    *("application__candidate", "application__stage", *Position.title_columns("application__position__")),
    *("application__position__dimension_labels", "application__candidate__full_name", "provider_meeting_id"),
)
_ASSIGNMENT_COLUMNS = ("interview", "created_at", *_named("interviewer"))
# The full transcript and the provider's raw payload are not shown, so not decrypted.
_ASSESSMENT_COLUMNS = (
    *("interview", "overall_score", "overall_confidence", "model_version", "transcript_quality"),
    *("weights_version", "needs_human_review", "received_at", "first_reviewed_at"),
)
_DIMENSION_COLUMNS = ("assessment", "dimension", "score", "confidence", "evidence")
_REVIEW_COLUMNS = ("dimension_score", "outcome", "score", "reason", "created_at", *_named("reviewer"))
# Who, when, ratings and recommendation: the interviewer's private notes are not decrypted.
_SCORECARD_COLUMNS = ("interview", "ratings", "recommendation", "submitted_at", *_named("interviewer"))
_INCIDENT_COLUMNS = ("interview", "kind", "occurred_at", "provider", "resolution")
_PRIOR_RECORD_COLUMNS = (
    *("candidate", "kind", "title", "organisation", "period_start", "period_end", "rating", "notes"),
)
_CONSENT_COLUMNS = (
    "candidate",
    "interview",
    "scope",
    "decision",
    "decided_at",
    "created_at",
    "notice__version",
)
_MESSAGE_COLUMNS = (
    *("template", "candidate", "interview", "status", "due_at", "sent_at", "last_error"),
    *_named("recipient_user"),
)


def _ordered(rows, *fields: str) -> list:
    """`rows` in the order PostgreSQL gives them for ORDER BY `fields` ("-starts_at", "id"), NULLs
    last (first when descending). For the few rows of one record that a page lists, read without
    an ORDER BY: compiling one costs their query more than sorting them here does. Only for
    columns that compare alike in both, times, dates and UUIDs: PostgreSQL orders text by its
    collation."""
    rows = list(rows)
    for name in reversed(fields):
        column = name.removeprefix("-")
        # Stable, descending too: each pass keeps the order of the rows it finds equal.
        rows.sort(key=lambda row, c=column: _nulls_last(getattr(row, c)), reverse=name.startswith("-"))
    return rows


def _nulls_last(value) -> tuple:
    return (value is None, 0 if value is None else value)


def _interviews(*, user, columns: tuple[str, ...] = _INTERVIEW_COLUMNS) -> QuerySet[Interview]:
    """Interviews with everything HR's pages show of them: assignments with their interviewers
    (`assignment_list`), assessment (per-dimension scores with evidence, as the assessment's
    `dimension_list`) and submitted scorecards, and whether they have incidents; `_read_rest`
    reads human reviews and incidents and puts the assignments and scorecards in order.
    Unordered: a file puts each application's interviews in order (`_ordered`).
    `columns`: the interview's own (and what it joins)."""
    assignments = InterviewAssignment.objects.select_related("interviewer").only(*_ASSIGNMENT_COLUMNS)
    dimensions = AIDimensionScore.objects.only(*_DIMENSION_COLUMNS).order_by("dimension")
    scorecards = restrict(
        Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED)
        .select_related("interviewer")
        .only(*_SCORECARD_COLUMNS),
        user=user,
    ).order_by()
    interviews = (
        # The interview selector's rows, with the assignments it brings, read for what is shown.
        # Without their applications: a file reads each interview for its application, which
        # Django then sets on it; the interview page joins them itself.
        restrict(interview_detail_queryset(user=user), user=user)
        .select_related(None)
        .prefetch_related(None)
        .annotate(**_present(Interview, _incidents(user=user)))
        .order_by()
        .prefetch_related(
            Prefetch("assignments", queryset=assignments, to_attr="assignment_list"),
            Prefetch("scorecards", queryset=scorecards, to_attr="submitted_scorecards"),
        )
    )
    assessments = restrict(AIAssessment.objects.only(*_ASSESSMENT_COLUMNS), user=user)
    if assessments.query.has_filters():
        # A viewer who sees only some assessments: those are read apart. No to_attr: the
        # relation's own cache is filled, so reading it later costs nothing (with a to_attr
        # Django reads the reverse one-to-one again per interview).
        return interviews.only(*columns).prefetch_related(
            Prefetch("assessment", queryset=assessments),
            Prefetch("assessment__dimensions", queryset=dimensions, to_attr="dimension_list"),
        )
    # Whoever sees every assessment gets each interview's one with it, in the same query.
    joined = (f"assessment__{name}" for name in _ASSESSMENT_COLUMNS if name != "interview")
    return (
        interviews.select_related("assessment")
        .only(*columns, *joined)
        .prefetch_related(Prefetch("assessment__dimensions", queryset=dimensions, to_attr="dimension_list"))
    )


def _read_reviews(interviews: list[Interview], *, user) -> None:
    """Each shown dimension score's human reviews, as `review_list`. Only the assessments a person
    has reviewed have any: `first_reviewed_at` is set with the first review (`human_review_create`),
    as the dashboard's queue of assessments waiting for one counts on. The others' dimensions get
    an empty list without a query (see `_read_where_present`)."""
    assessments = [a for a in map(assessment_of, interviews) if a is not None]
    reviewed = [d for a in assessments if a.first_reviewed_at is not None for d in a.dimension_list]
    reviews = restrict(HumanReview.objects.select_related("reviewer").only(*_REVIEW_COLUMNS), user=user)
    prefetch_related_objects(
        reviewed, Prefetch("reviews", queryset=reviews.order_by("created_at", "id"), to_attr="review_list")
    )
    for assessment in assessments:
        if assessment.first_reviewed_at is None:
            for dimension in assessment.dimension_list:
                dimension.review_list = []


def _incidents(*, user) -> dict[str, tuple[str, QuerySet]]:
    # Technical failures and no-shows: most interviews have none.
    incidents = restrict(Incident.objects.only(*_INCIDENT_COLUMNS), user=user).order_by()
    return {"incident": ("incidents", incidents)}


def _read_rest(interviews: list[Interview], *, user) -> None:
    """What `_interviews` leaves to read or order: each interview's assignments in the order they
    were made and its submitted scorecards in the order they came in, human reviews
    (`_read_reviews`), and incidents, newest first, as `incident_list` (see
    `_read_where_present`)."""
    for interview in interviews:
        interview.assignment_list = _ordered(interview.assignment_list, "created_at", "id")
        interview.submitted_scorecards = _ordered(interview.submitted_scorecards, "submitted_at", "id")
    _read_reviews(interviews, user=user)
    _read_where_present(interviews, _incidents(user=user))
    for interview in interviews:
        interview.incident_list = _ordered(interview.incident_list, "-occurred_at")


def assessment_of(interview: Interview) -> AIAssessment | None:
    """The interview's prefetched assessment, or None."""
    try:
        return interview.assessment
    except AIAssessment.DoesNotExist:
        return None


def candidate_file_queryset(*, user, after_decision: dict[str, tuple[str, QuerySet]]) -> QuerySet[Candidate]:
    """A candidate with their whole file, fetched in a fixed number of queries however many
    applications, interviews or records they have, as lists in no order (`candidate_file_for`
    puts them in order): `application_list`, each with `stage_list` and `interview_list`,
    `prior_record_list`, `consent_list`. What follows a decision (`after_decision`, from
    `_after_decision`) comes after, from `_read_where_present`, as do human reviews and
    incidents."""
    stage_history = StageChange.objects.select_related("actor").only(*_STAGE_CHANGE_COLUMNS)
    applications = (
        restrict(Application.objects.select_related("position"), user=user)
        .only(*_APPLICATION_COLUMNS, *_POSITION_COLUMNS)
        .annotate(**_present(Application, after_decision))
        .order_by()
        .prefetch_related(
            Prefetch("stage_history", queryset=stage_history.order_by(), to_attr="stage_list"),
            Prefetch("interviews", queryset=_interviews(user=user), to_attr="interview_list"),
        )
    )
    consents = restrict(consent_detail_queryset(user=user).only(*_CONSENT_COLUMNS), user=user)
    prior_records = restrict(PriorRecord.objects.only(*_PRIOR_RECORD_COLUMNS), user=user)
    return Candidate.objects.only(*_CANDIDATE_COLUMNS).prefetch_related(
        Prefetch("applications", queryset=applications, to_attr="application_list"),
        Prefetch("prior_records", queryset=prior_records.order_by(), to_attr="prior_record_list"),
        Prefetch("consents", queryset=consents.order_by(), to_attr="consent_list"),
        Prefetch("resume_files", queryset=resume_files_shown(user=user), to_attr="resume_file_list"),
    )


def _after_decision(*, user) -> dict[str, tuple[str, QuerySet]]:
    """What may follow an application's interviews, by the name of the list it is kept in on
    the application (`decision_list`, ...): the relation and the rows it may show. Most
    applications have none of them yet: a file without any spares four queries."""
    return {
        "decision": (
            "decisions",
            restrict(decision_detail_queryset(user=user), user=user).order_by("-decided_at", "id"),
        ),
        # The offer selector brings each offer's approval steps with their approvers.
        "offer": (
            "offers",
            restrict(offer_detail_queryset(user=user), user=user).order_by("-created_at", "id"),
        ),
        "check": (
            "background_checks",
            restrict(check_detail_queryset(user=user).defer("findings"), user=user).order_by(
                "-requested_at", "id"
            ),
        ),
        "plan": ("onboarding_plans", restrict(plan_detail_queryset(user=user), user=user)),
    }


def _present(model: type[models.Model], kinds: dict[str, tuple[str, QuerySet]]) -> dict[str, Expression]:
    """For a query of `model`: `has_<kind>`, whether a row has any of the rows of each kind
    (the relation from `model` and the rows of it that may be shown). Where those rows are the
    whole table (`restrict()` adds no condition for the viewer, as for HR), the test is written
    out (`_any_row`): an `Exists` cost a file about 0.25 ms to build and compile, nearly what the
    query it spares costs. The rows themselves are read through the restricted queryset."""
    present = {}
    for kind, (relation, rows) in kinds.items():
        key = model._meta.get_field(relation).field
        if rows.query.has_filters():
            present[f"has_{kind}"] = Exists(rows.filter(**{key.name: OuterRef("pk")}))
        else:
            present[f"has_{kind}"] = _any_row(model, key)
    return present


def _any_row(model: type[models.Model], key: models.ForeignKey) -> RawSQL:
    """EXISTS a row of `key`'s table pointing at the row of `model` of the query it annotates
    (whose own table `model`'s is, not a subquery's)."""
    qn = connection.ops.quote_name
    outer = f"{qn(model._meta.db_table)}.{qn(model._meta.pk.column)}"
    # Table and column names from the models' metadata; no value goes into the text.
    sql = f"EXISTS (SELECT 1 FROM {qn(key.model._meta.db_table)} WHERE {qn(key.column)} = {outer})"  # noqa: S608
    return RawSQL(sql, (), output_field=models.BooleanField())  # noqa: S611


def _read_where_present(objects: list, kinds: dict[str, tuple[str, QuerySet]]) -> None:
    """`<kind>_list` on each object: its rows of each kind, read in one query per kind for the
    objects whose `has_<kind>` (from `_present`, in their own query) says they have some; the
    others get an empty list without a query. A query that would find nothing costs a page its
    compile and round trip all the same."""
    for kind, (relation, rows) in kinds.items():
        having = [obj for obj in objects if getattr(obj, f"has_{kind}")]
        prefetch_related_objects(having, Prefetch(relation, queryset=rows, to_attr=f"{kind}_list"))
        # Not set on all of them first: Django takes an object that has the list as read.
        for obj in objects:
            if not getattr(obj, f"has_{kind}"):
                setattr(obj, f"{kind}_list", [])


# Messages shown on a file: the newest ones, enough for every step of a long process.
MESSAGES_SHOWN = 200


def _messages(*, user) -> QuerySet[Notification]:
    return restrict(notification_detail_queryset(user=user).only(*_MESSAGE_COLUMNS), user=user)


def messages_about(*, user, candidate: Candidate, interviews) -> list[Notification]:
    """Outbox rows to the candidate or about their interviews (to interviewers and recruiters),
    newest first, in one query on two indexed columns. Staff alerts about an application without
    an interview (a failed check, a re-review request) show on the file as the check's state and
    the decision's badge instead: finding them would mean reading every message's payload."""
    about = Q(candidate_id=candidate.pk)
    interview_ids = [i.pk for i in interviews]
    if interview_ids:
        about |= Q(interview_id__in=interview_ids)
    return list(_messages(user=user).filter(about).order_by("-due_at", "-id")[:MESSAGES_SHOWN])


@dataclass
class CandidateFile:
    candidate: Candidate
    applications: list[Application]
    interviews: list[Interview]
    prior_records: list[PriorRecord]
    consents: list[Consent]
    messages: list[Notification]
    resume_files: list = field(default_factory=list)
    shown: dict[str, list[str]] = field(default_factory=dict)


def _shown(applications, interviews, prior_records, resume_files) -> dict[str, list[str]]:
    """The ids of the sensitive records a page showed, for its one audit event."""

    def ids(objects):
        return [str(o.pk) for o in objects]

    assessments = [a for a in map(assessment_of, interviews) if a is not None]
    return {
        "application": ids(applications),
        "interview": ids(interviews),
        "aiassessment": ids(assessments),
        "scorecard": ids(s for i in interviews for s in i.submitted_scorecards),
        "decision": ids(d for a in applications for d in a.decision_list),
        "offer": ids(o for a in applications for o in a.offer_list),
        "backgroundcheck": ids(c for a in applications for c in a.check_list),
        "onboardingplan": ids(p for a in applications for p in a.plan_list),
        "priorrecord": ids(prior_records),
        "resumefile": ids(resume_files),
        "performancerating": ids(r for a in applications for r in a.rating_list),
    }


def candidate_file_for(*, user, pk, page: str = "candidate_file") -> CandidateFile:
    """The candidate's whole file with its one `view` event; NotFound when missing or not visible."""
    after_decision = _after_decision(user=user)
    queryset = candidate_file_queryset(user=user, after_decision=after_decision)
    try:
        candidate = restrict(queryset, user=user).get(pk=pk)
    except (Candidate.DoesNotExist, ValidationError):
        raise NotFound("Candidate not found.") from None
    applications = _ordered(candidate.application_list, "-stage_changed_at", "id")
    for application in applications:
        application.stage_list = _ordered(application.stage_list, "at", "id")
        application.interview_list = _ordered(application.interview_list, "-starts_at", "id")
    _read_where_present(applications, after_decision)
    # Hires' later performance: one query, and none for a file without a hire.
    ratings = ratings_of([a for a in applications if a.stage == Stage.HIRED], user=user)
    for application in applications:
        application.rating_list = ratings.get(application.pk, [])
    interviews = sorted(
        (i for a in applications for i in a.interview_list), key=lambda i: i.starts_at, reverse=True
    )
    _read_rest(interviews, user=user)
    prior_records = _ordered(candidate.prior_record_list, "-period_start", "id")
    consents = _ordered(candidate.consent_list, "-decided_at", "-created_at")
    messages = messages_about(user=user, candidate=candidate, interviews=interviews)
    resume_files = candidate.resume_file_list
    shown = _shown(applications, interviews, prior_records, resume_files)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target=candidate,
        detail={"page": page, "shown": shown, "messages": len(messages)},
    )
    return CandidateFile(
        candidate, applications, interviews, prior_records, consents, messages, resume_files, shown
    )


def interview_candidate_id(*, user, pk):
    """Whose interview `pk` is, if the user may see it (for a POST, which shows nothing: no event)."""
    try:
        row = (
            restrict(Interview.objects.all(), user=user)
            .filter(pk=pk)
            .values_list("application__candidate_id")
        )
        found = row.first()
    except (ValidationError, ValueError):
        return None
    return found[0] if found else None


@dataclass
class InterviewPage:
    interview: Interview
    consents: list[Consent]
    messages: list[Notification]
    shown: dict[str, list[str]]


def interview_page_for(*, user, pk) -> InterviewPage:
    """HR's view of one interview with its one `view` event; NotFound when missing or not visible."""
    queryset = _interviews(user=user, columns=_INTERVIEW_PAGE_COLUMNS).select_related(
        "application__candidate", "application__position"
    )
    try:
        interview = queryset.get(pk=pk)
    except (Interview.DoesNotExist, ValidationError):
        raise NotFound("Interview not found.") from None
    _read_rest([interview], user=user)
    consents = restrict(consent_detail_queryset(user=user).only(*_CONSENT_COLUMNS), user=user)
    consents = _ordered(consents.filter(interview=interview).order_by(), "-decided_at", "-created_at")
    messages = list(
        _messages(user=user).filter(interview=interview).order_by("-due_at", "-id")[:MESSAGES_SHOWN]
    )
    shown = {
        "aiassessment": [str(a.pk) for a in [assessment_of(interview)] if a is not None],
        "scorecard": [str(s.pk) for s in interview.submitted_scorecards],
    }
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target=interview,
        candidate_id=interview.application.candidate_id,
        detail={"page": "hr_interview", "shown": shown, "messages": len(messages)},
    )
    return InterviewPage(interview, consents, messages, shown)


def consent_by_scope(consents, *, interview_id=None) -> dict[str, Consent | None]:
    """The latest decision per scope among `consents` (newest first) for one interview."""
    state: dict[str, Consent | None] = dict.fromkeys(Consent.Scope.values)
    for consent in consents:
        if consent.interview_id == interview_id and state.get(consent.scope) is None:
            state[consent.scope] = consent
    return state


def decision_outcomes_for(application: Application) -> list[str]:
    """The decision outcomes the application's stage accepts, in the service's table order."""
    from candidates.services.applications import DECISION_STAGE_TRANSITIONS

    return [event for (stage, event) in DECISION_STAGE_TRANSITIONS if stage == application.stage]


def stage_events_for(application: Application) -> list[tuple[str, str]]:
    """The plain stage moves from the application's stage, as (event, stage it leads to)."""
    from candidates.services.applications import STAGE_TRANSITIONS

    return [(event, to) for (stage, event), to in STAGE_TRANSITIONS.items() if stage == application.stage]
