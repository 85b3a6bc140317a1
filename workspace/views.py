"""The interviewer workspace: my interviews, one interview with what I need of the candidate and its
AI assessment, and my scorecard (draft, confirm, submit, then locked).

Every read starts from the interview selectors (so from `restrict()`) and is narrowed to the
interviews assigned to the signed-in interviewer; an interview of someone else answers 404 like a
missing one. Every write is `scorecard_save` or `scorecard_submit`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AuditAction
from audit.services import audit_record, audit_together
from candidates.models import Candidate, ResumeFile
from candidates.selectors import resume_files_shown
from candidates.services.resume_files import resume_file_content
from hrsuite import trail
from hrsuite.downloads import attachment
from hrsuite.errors import InvalidTransition, NotFound, ValidationFailed
from hrsuite.pages import audited_page, leave_for, query_without, role_required, url_for_each, visible_or_404
from hrsuite.permissions import global_permission, restrict
from hrsuite.roles import Role
from interviews import selectors
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    HumanReview,
    Interview,
    InterviewAssignment,
    Recommendation,
    Scorecard,
    WorkspaceGroup,
)
from interviews.selectors import evidence_quotes, interview_accommodations_for
from interviews.services.accommodations import effect_label
from interviews.services.assessments import MIN_CONFIDENCE
from interviews.services.recordings import recording_share
from interviews.services.scorecards import scorecard_save, scorecard_submit

workspace_page = role_required(Role.INTERVIEWER)

Status = Interview.Status
# Interviews still ahead (or under way): their join link is of use.
_AHEAD = (Status.SCHEDULED, Status.IN_PROGRESS)
# The home page's groups, in the order shown: key, heading, rank (the assignments' group).
GROUPS = [(group.name.lower(), group.label, group.value) for group in WorkspaceGroup]
_RANK = {key: rank for key, _label, rank in GROUPS}

# Encrypted candidate fields a workspace page never shows: not fetched, so never decrypted.
_CONTACT_FIELDS = ("email", "phone", "national_id", "date_of_birth")
_CANDIDATE_DEFERRED = [f"candidate__{name}" for name in (*_CONTACT_FIELDS, "resume_text")]
_LIST_DEFERRED = [f"application__{name}" for name in _CANDIDATE_DEFERRED]
# What a row of the home page shows of an interview and of its application (the scorecard's due
# time comes from the interview's end, or its start and duration).
_ROW_INTERVIEW = ("application", "kind", "starts_at", "duration_minutes", "ended_at", "status", "join_url")
_ROW_APPLICATION = ("candidate__full_name", "position__title_en", "position__title_zh_hans")
# What the interview page shows of its interview, application and position; the candidate is read
# on its own, through the candidate's policy.
_PAGE_INTERVIEW = (
    *("application", "kind", "starts_at", "duration_minutes", "candidate_time_zone", "join_url"),
    *("status", "ended_at", "application__candidate", "application__stage", "application__position"),
    *("application__position__title_en", "application__position__title_zh_hans"),
    *("application__position__dimension_labels", "provider_meeting_id"),
)
# What a workspace page shows of the other interviewers, of the AI assessment and of my scorecard.
_INTERVIEWER_NAME = ("interviewer__first_name", "interviewer__last_name", "interviewer__username")
# (The assessment's columns in the order of its fields, as `Model.from_db` takes them.)
_ASSESSMENT = (
    *("id", "interview_id", "overall_score", "overall_confidence", "model_version"),
    *("transcript_quality", "needs_human_review"),
)
_DIMENSION_FIELDS = ("id", "dimension", "score", "confidence", "evidence")
_DIMENSION = tuple(f"dimensions__{name}" for name in _DIMENSION_FIELDS)
_REVIEW_FIELDS = ("id", "outcome", "score")
_REVIEW = tuple(f"dimensions__reviews__{name}" for name in _REVIEW_FIELDS)
_PAGE_SCORECARD = ("interview", "interviewer", "status", "submitted_at", "updated_at")
_PAGE_CANDIDATE = ("full_name", "region", "resume_text")

RATING_SCALE = [
    (1, _("Far below the bar")),
    (2, _("Below the bar")),
    (3, _("Meets the bar")),
    (4, _("Above the bar")),
    (5, _("Far above the bar")),
]


# --- Reads ---------------------------------------------------------------------------------------


def _assigned(queryset: QuerySet[Interview], user) -> QuerySet[Interview]:
    """Only interviews `user` is assigned to. `restrict()` already gives an interviewer exactly
    those (assigning grants them); someone who also holds a staff role sees every interview
    through it, so their list is narrowed to their own assignments here."""
    if user.has_perm(global_permission(Interview, "view")):
        return queryset.filter(assignments__interviewer=user)
    return queryset


def my_interviews(user) -> QuerySet[Interview]:
    """The interviewer's interviews, each with the state of their own scorecard (`my_scorecard`:
    draft, submitted or None), and the application, candidate and position of the rows shown
    joined in the same query. Read for one page's rows (see `my_assignments`)."""
    mine = restrict(Scorecard.objects.all(), user=user).filter(interviewer=user, interview=OuterRef("pk"))
    # A row names the candidate and the position, nothing else of the application.
    # `interview_list_for` joins them (only what a row shows is read).
    shown = [f"application__{name}" for name in _ROW_APPLICATION]
    return (
        _assigned(selectors.interview_list_for(user=user), user)
        .only(*_ROW_INTERVIEW, *shown)
        .annotate(my_scorecard=Subquery(mine.values("status")[:1]))
    )


def my_assignments(user) -> QuerySet[InterviewAssignment]:
    """The interviewer's assignments: each carries its place in this list (`workspace_group`,
    `workspace_ahead_at`, kept by the services, see `workspace_place`), so the home page pages
    and counts them along their `assignment_workspace_list` index alone, then reads only the
    page's interviews from `my_interviews`, and shows each in the group it was listed in."""
    return restrict(InterviewAssignment.objects.all(), user=user).filter(interviewer=user)


def _in_list_order(assignments: QuerySet[InterviewAssignment], *, show: str = "") -> QuerySet:
    """Awaiting first (longest waiting first), then upcoming (soonest first), then done (latest
    first): the order of their index. `show`, a group's key, lists only that group."""
    if show:
        assignments = assignments.filter(workspace_group=_RANK[show])
    # Within the done group `workspace_ahead_at` is empty, so the start that follows orders it.
    order = ["workspace_group", "workspace_ahead_at", "-interview_starts_at", "interview_id"]
    return assignments.order_by(*order)


def _group_counts(assignments: QuerySet[InterviewAssignment]) -> dict[str, int]:
    """How many of the assignments each group holds, counted on indexes alone in one query: all
    of them on the narrowest (of the interviewer's key) and the two groups that ask something of
    the interviewer (a few thousand at most) on their place in the list; done is the rest.
    Grouping the list's own index by group read three times the bytes (8 ms against 2.8 for
    30,000 assignments).

    The assignments are compiled by the ORM as `restrict()` gives them, and the three counts are
    written out around them: built through the ORM, the counting subqueries cost the page 1.4 ms
    of CPU, more than reading its rows. The database reads each count as it did then, the
    assignments pulled up into it."""
    rows = assignments.order_by().values("workspace_group")
    try:
        listed, params = rows.query.sql_with_params()
    except EmptyResultSet:  # `restrict()` gave none
        return dict.fromkeys(("awaiting", "upcoming", "done"), 0)
    count = f"SELECT COUNT(*) FROM ({listed}) mine"  # noqa: S608 - the ORM's SQL, its values as parameters
    in_group = f"{count} WHERE mine.workspace_group = %s"
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f"SELECT ({count}), ({in_group}), ({in_group})",
            [*params, *params, WorkspaceGroup.AWAITING.value, *params, WorkspaceGroup.UPCOMING.value],
        )
        every, awaiting, upcoming = cursor.fetchone()
    return {"awaiting": awaiting, "upcoming": upcoming, "done": every - awaiting - upcoming}


def _assigned_or_404(request, pk, *, only: tuple[str, ...] = ()) -> Interview:
    """The interview if it is assigned to the signed-in interviewer (audited `view`), else 404;
    `only` its columns (and its application's and position's) a page shows, when it writes nothing.
    Of the other interviewers, their names alone."""
    user = request.user
    queryset = _assigned(selectors.interview_detail_queryset(user=user), user)
    if only:
        queryset = queryset.select_related(None).select_related("application__position").only(*only)
    else:
        queryset = queryset.defer(*_LIST_DEFERRED)
    named = InterviewAssignment.objects.select_related("interviewer").only("interview", *_INTERVIEWER_NAME)
    queryset = queryset.prefetch_related(None).prefetch_related(Prefetch("assignments", queryset=named))
    return visible_or_404(queryset, user=user, pk=pk)


def _my_scorecard(user, interview: Interview, *, only: tuple[str, ...] = ()) -> Scorecard | None:
    """My scorecard of `interview` (audited `view`); `only` its columns a page shows, when it
    writes nothing (the interview is then the one given, not read again)."""
    queryset = restrict(selectors.scorecard_detail_queryset(user=user), user=user)
    if only:
        queryset = queryset.select_related(None).only(*only)
    scorecard = queryset.filter(interview=interview, interviewer=user).first()
    if scorecard is not None:
        if only:
            scorecard.interview = interview
        audit_record(actor=user, action=AuditAction.VIEW, target=scorecard)
    return scorecard


def _assessment(user, interview: Interview) -> AIAssessment | None:
    """The AI assessment the interviewer may see, its dimension scores (`scored_dimensions`) and
    their reviews ready for the page, read in one query: only what the page shows of them (the
    interview is the one given, not read again)."""
    queryset = restrict(selectors.assessment_detail_queryset(user=user), user=user).prefetch_related(None)
    rows = list(
        queryset.filter(interview=interview)
        .values(*_ASSESSMENT, *_DIMENSION, *_REVIEW)
        .order_by("dimensions__dimension", "dimensions__reviews__created_at")
    )
    if not rows:
        return None
    assessment = AIAssessment.from_db(queryset.db, _ASSESSMENT, [rows[0][name] for name in _ASSESSMENT])
    assessment.interview = interview
    audit_record(actor=user, action=AuditAction.VIEW, target=assessment)
    scored: dict[object, AIDimensionScore] = {}
    for row in rows:
        key = row["dimensions__id"]
        if key is None:  # an assessment without dimension scores
            continue
        if key not in scored:
            # A row of the model, so the evidence is decrypted for its own row.
            values = [row[f"dimensions__{name}"] for name in _DIMENSION_FIELDS]
            dimension = scored[key] = AIDimensionScore.from_db(queryset.db, _DIMENSION_FIELDS, values)
            dimension.label = interview.application.position.dimension_label(dimension.dimension)
            dimension.low_confidence = dimension.confidence < MIN_CONFIDENCE
            dimension.quotes = evidence_quotes(dimension.evidence)
            dimension.shown_reviews = []
        if row["dimensions__reviews__id"] is not None:
            # Rows of the model too, read through the viewing scope as the page prints them.
            values = [row[name] for name in _REVIEW]
            scored[key].shown_reviews.append(HumanReview.from_db(queryset.db, _REVIEW_FIELDS, values))
    assessment.scored_dimensions = list(scored.values())
    return assessment


@dataclass
class Feedback:
    """When the interviewer's scorecard is due and where its reminders stand."""

    due_at: object
    overdue: bool
    reminders_sent: int
    reminders_max: int
    next_reminder_at: object


def feedback_due(interview: Interview, *, now=None) -> Feedback:
    """The scorecard is due by the first reminder (`selectors.scorecard_due_at`); reminders follow
    at the same interval, as `feedback.interview_ended` queued them."""
    now = now or timezone.now()
    due_at = selectors.scorecard_due_at(interview)
    every = timedelta(hours=settings.HRSUITE_SCORECARD_REMINDER_HOURS)
    most = settings.HRSUITE_SCORECARD_REMINDERS_MAX
    reminders = [due_at + every * (n - 1) for n in range(1, most + 1)]
    sent = sum(1 for at in reminders if at <= now)
    return Feedback(
        due_at=due_at,
        # The rule `selectors.scorecards_overdue` counts by, for this one interview.
        overdue=now >= due_at,
        reminders_sent=sent,
        reminders_max=most,
        next_reminder_at=reminders[sent] if sent < most else None,
    )


# --- Pages ---------------------------------------------------------------------------------------


@workspace_page
@require_GET
def home(request):
    """My interviews, grouped: awaiting my scorecard, upcoming, done; `?show=<group>` for one group."""
    show = request.GET.get("show", "")
    if show not in _RANK:
        show = ""
    assignments = my_assignments(request.user)
    counts = _group_counts(assignments)
    page = audited_page(
        request,
        my_interviews(request.user),
        detail={"show": show or "all"},
        count=counts[show] if show else sum(counts.values()),
        keys=_in_list_order(assignments, show=show),
        key="interview_id",
        listed=["workspace_group"],
    )
    now = timezone.now()
    labels = {rank: label for _key, label, rank in GROUPS}
    keys = {rank: key for key, _label, rank in GROUPS}
    sections = []
    page_url, scorecard_url = url_for_each("workspace-interview"), url_for_each("workspace-scorecard")
    for interview in page.object_list:
        interview.page_url, interview.scorecard_url = page_url(interview.pk), scorecard_url(interview.pk)
        # The group the list was sorted by, so each row sits where it was listed.
        interview.group_rank = interview.list_row["workspace_group"]
        if not sections or sections[-1]["rank"] != interview.group_rank:
            rank = interview.group_rank
            key = keys[rank]
            sections.append(
                {"key": key, "label": labels[rank], "count": counts[key], "rank": rank, "rows": []}
            )
        if interview.group_rank == _RANK["awaiting"]:
            interview.feedback = feedback_due(interview, now=now)
        interview.joinable = interview.status in _AHEAD and bool(interview.join_url)
        sections[-1]["rows"].append(interview)
    tabs = [{"key": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"key": key, "label": label, "count": counts[key]} for key, label, _rank in GROUPS
    ]
    context = {
        "page": page,
        "sections": sections,
        "tabs": tabs,
        "show": show,
        "query": query_without(request, "page"),
    }
    return render(request, "workspace/home.html", context)


def _interview_context(request, interview: Interview) -> dict:
    return {
        "interview": interview,
        "joinable": interview.status in _AHEAD and bool(interview.join_url),
        "interviewers": [a.interviewer for a in interview.assignments.all()],
        "assessment": _assessment(request.user, interview),
    }


@workspace_page
@require_GET
def interview_recording(request, pk):
    """The recording of an interview the interviewer is assigned to, through a link issued for
    this viewing."""
    try:
        return leave_for(recording_share(interview_id=pk, actor=request.user))
    except NotFound:
        raise Http404 from None


@workspace_page
@require_GET
def resume_file_download(request, pk):
    """The résumé file of a candidate assigned to the interviewer, as an attachment (a `view` and
    an `export` event); any other answers 404, like a missing one."""
    file = visible_or_404(ResumeFile.objects.all(), user=request.user, pk=pk)
    content = resume_file_content(file, actor=request.user)
    return attachment(content, content_type=file.content_type, filename=file.filename)


@workspace_page
@require_GET
def interview_page(request, pk):
    """The interview, what the interviewer needs of the candidate, the AI assessment and my scorecard.
    The `view` event of each record read goes into the trail with the others, in one insert."""
    with audit_together():
        interview = _assigned_or_404(request, pk, only=_PAGE_INTERVIEW)
        # The résumé is the candidate's data: read through the candidate's own policy, and audited.
        candidate = visible_or_404(
            Candidate.objects.only(*_PAGE_CANDIDATE), user=request.user, pk=interview.application.candidate_id
        )
        # Their current résumé file, to read where no text could be extracted from it.
        resume_file = resume_files_shown(user=request.user).filter(candidate=candidate).first()
        if resume_file is not None:
            trail.viewed(actor=request.user, target=resume_file)
        context = {
            **_interview_context(request, interview),
            "candidate": candidate,
            "resume_file": resume_file,
            "scorecard": _my_scorecard(request.user, interview, only=_PAGE_SCORECARD),
            # That an accommodation applies and what it changes; never why (docs/architecture.md,
            # "Accommodations"): the interviewer's policy gives the granted ones only.
            "accommodations": [
                effect_label(row)
                for row in interview_accommodations_for(
                    user=request.user, interview=interview, page="workspace_interview"
                )
            ],
        }
    if context["scorecard"] is None and interview.status == Status.COMPLETED:
        context["feedback"] = feedback_due(interview)
    return render(request, "workspace/interview.html", context)


def _dimensions(interview: Interview) -> list[dict]:
    """The position's dimensions, the weightiest first, with their labels and weights in percent."""
    dimensions = interview.application.position.dimensions()
    for dimension in dimensions:
        dimension["weight"] = round(dimension["weight"] * 100)
    return dimensions


def _rated_dimensions(interview: Interview, scorecard: Scorecard) -> list[dict]:
    """The position's dimensions with the scorecard's rating of each (None: not rated)."""
    labels = dict(RATING_SCALE)
    dimensions = _dimensions(interview)
    for dimension in dimensions:
        dimension["value"] = scorecard.ratings.get(dimension["key"])
        dimension["value_label"] = labels.get(dimension["value"], "")
    return dimensions


def _posted_ratings(post, dimensions: list[dict]) -> tuple[dict, dict]:
    """(ratings for the service, values as typed): a blank rating is left out of a draft; what is
    not a whole number goes to the service as typed, so the service's rule decides."""
    ratings, typed = {}, {}
    for dimension in dimensions:
        raw = post.get(f"rating-{dimension['key']}", "").strip()
        typed[dimension["key"]] = raw
        if raw:
            ratings[dimension["key"]] = int(raw) if raw.isdigit() else raw
    return ratings, typed


def _scorecard_errors(
    error: ValidationFailed, dimensions: list[dict], rated: dict, *, submitting: bool = False
) -> dict:
    """The service's errors, per field of the form and in the reader's language: a rating it
    names, or (on submit, when it asks for every dimension) each rating still missing."""
    errors: dict[str, list[str]] = {}
    rating_messages = error.fields.get("ratings", [])
    for dimension in dimensions:
        key, label = dimension["key"], dimension["label"]
        if any(f"'{key}'" in message for message in rating_messages):
            errors[f"rating-{key}"] = [
                gettext("%(dimension)s: choose a whole number from 1 to 5.") % {"dimension": label}
            ]
        elif submitting and rating_messages and key not in rated:
            errors[f"rating-{key}"] = [
                gettext("%(dimension)s: rate it before you submit.") % {"dimension": label}
            ]
    if rating_messages and not any(name.startswith("rating-") for name in errors):
        errors["ratings"] = rating_messages
    if "recommendation" in error.fields:
        errors["recommendation"] = [gettext("Choose a recommendation.")]
    return errors


def _form_page(request, interview, *, values: dict, errors: dict | None = None, status: int = 200):
    dimensions = _dimensions(interview)
    for dimension in dimensions:
        dimension["value"] = str(values["ratings"].get(dimension["key"], ""))
        dimension["errors"] = (errors or {}).get(f"rating-{dimension['key']}", [])
    context = {
        **_interview_context(request, interview),
        "dimensions": dimensions,
        "scale": RATING_SCALE,
        "recommendations": Recommendation.choices,
        "values": values,
        "errors": errors or {},
        "locked": False,
    }
    return render(request, "workspace/scorecard.html", context, status=status)


def _locked_page(request, interview, scorecard, *, refused: bool = False) -> HttpResponse:
    """The submitted scorecard, read-only; `refused` when a change was attempted (409)."""
    context = {
        **_interview_context(request, interview),
        "dimensions": _rated_dimensions(interview, scorecard),
        "scorecard": scorecard,
        "locked": True,
        "refused": refused,
    }
    return render(request, "workspace/scorecard.html", context, status=409 if refused else 200)


def _saved_values(scorecard: Scorecard | None) -> dict:
    if scorecard is None:
        return {"ratings": {}, "recommendation": "", "notes": ""}
    return {
        "ratings": scorecard.ratings,
        "recommendation": scorecard.recommendation,
        "notes": scorecard.notes,
    }


@workspace_page
@require_http_methods(["GET", "POST"])
def scorecard_page(request, pk):
    """GET: my scorecard (read-only once submitted). POST `action=save`: save the draft;
    `action=submit`: save it, then confirm the submission on the next page."""
    interview = _assigned_or_404(request, pk)
    scorecard = _my_scorecard(request.user, interview)
    if scorecard is not None and scorecard.status == Scorecard.Status.SUBMITTED:
        return _locked_page(request, interview, scorecard, refused=request.method == "POST")
    if request.method == "GET":
        return _form_page(request, interview, values=_saved_values(scorecard))
    dimensions = _dimensions(interview)
    ratings, typed = _posted_ratings(request.POST, dimensions)
    recommendation = request.POST.get("recommendation", "").strip()
    notes = request.POST.get("notes", "")
    try:
        scorecard_save(
            interview=interview,
            ratings=ratings,
            recommendation=recommendation,
            notes=notes,
            actor=request.user,
        )
    except ValidationFailed as error:
        values = {"ratings": typed, "recommendation": recommendation, "notes": notes}
        errors = _scorecard_errors(error, dimensions, ratings)
        return _form_page(request, interview, values=values, errors=errors, status=400)
    except InvalidTransition:
        # Submitted in another tab since this page was read.
        return _locked_page(request, interview, _my_scorecard(request.user, interview), refused=True)
    if request.POST.get("action") == "submit":
        return redirect("workspace-scorecard-submit", pk=interview.pk)
    messages.success(request, gettext("Draft saved. You can come back to it until you submit."))
    return redirect("workspace-scorecard", pk=interview.pk)


@workspace_page
@require_http_methods(["GET", "POST"])
def scorecard_submit_page(request, pk):
    """The confirmation step: GET shows what will be submitted; POST submits and locks it."""
    interview = _assigned_or_404(request, pk)
    scorecard = _my_scorecard(request.user, interview)
    if scorecard is None:
        messages.warning(request, gettext("Fill in your scorecard first."))
        return redirect("workspace-scorecard", pk=interview.pk)
    if scorecard.status == Scorecard.Status.SUBMITTED:
        if request.method == "POST":
            return _locked_page(request, interview, scorecard, refused=True)
        return redirect("workspace-scorecard", pk=interview.pk)
    if request.method == "GET":
        dimensions = _rated_dimensions(interview, scorecard)
        context = {
            "interview": interview,
            "scorecard": scorecard,
            "dimensions": dimensions,
            "incomplete": not scorecard.recommendation or any(d["value"] is None for d in dimensions),
        }
        return render(request, "workspace/scorecard_confirm.html", context)
    try:
        scorecard_submit(scorecard=scorecard, actor=request.user)
    except ValidationFailed as error:
        errors = _scorecard_errors(error, _dimensions(interview), scorecard.ratings, submitting=True)
        return _form_page(request, interview, values=_saved_values(scorecard), errors=errors, status=400)
    except InvalidTransition:
        return _locked_page(request, interview, _my_scorecard(request.user, interview), refused=True)
    messages.success(
        request, gettext("Scorecard submitted. It is locked now and the hiring team can read it.")
    )
    return redirect("workspace-scorecard", pk=interview.pk)
