"""HR's candidate list, candidate file and interview page (recruiters act, HR admins only read).

Reads go through `backoffice.selectors.candidate_file` (restricted and audited); every write is one of the
actions in `actions.py`, which call the existing services. A refused form is shown again with its
values and field errors (400, or 409 for a clash with another booking); a state that no longer
allows the action answers 409 with a clear message; an HR admin's POST is refused (403) before
anything is looked at.
"""

import functools
import secrets
from urllib.parse import urlencode
from zoneinfo import available_timezones

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import full_name
from backoffice.forms import BLANK, Fields, FormState, Refusal, form_values, template_errors
from backoffice.selectors import candidate_file as selectors
from candidates.languages import in_language
from candidates.models import Candidate, Language, Position, ResumeFile, Stage
from candidates.selectors import candidate_search_for_trail
from candidates.services import resume_files
from hrsuite.downloads import attachment
from hrsuite.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from hrsuite.markup import joined
from hrsuite.models import choice_labels
from hrsuite.pages import audited_page, leave_for, query_without, role_required, url_for_each, visible_or_404
from hrsuite.permissions import has_role
from hrsuite.roles import Role
from interviews.models import Consent, Interview
from interviews.selectors import evidence_quotes, interview_accommodations_for
from interviews.services import scheduling
from interviews.services.accommodations import is_overdue as accommodation_overdue
from interviews.services.assessments import MIN_CONFIDENCE
from interviews.services.recordings import recording_share
from onboarding.models import Offer, OfferApproval
from onboarding.services.offers import OPEN_STATES

from . import actions, bulk
from .bulk import bulk_choices

HR = (Role.RECRUITER, Role.HR_ADMIN)
# What the pages' choices (form options, the list's position filter) show of a person and of a
# position. The rest of the row (a password hash, a position's score weights to decode) would be
# read for each of some hundred choices.
_NAME_COLUMNS = ("id", "username", "first_name", "last_name")
_POSITION_COLUMNS = ("id", *Position.title_columns(), "department", "region", "status")
# A new application's choice of position (`_position_options`).
_POSITION_CHOICE_COLUMNS = ("id", *Position.title_columns(), "department", "region")


def _titled(rows) -> list[tuple]:
    """Rows of (id, title per language..., *rest) as (id, title in the reader's language, *rest)."""
    languages = tuple(Position.TITLE_FIELDS)
    width = len(languages)
    return [
        (row[0], in_language(dict(zip(languages, row[1 : 1 + width], strict=True))), *row[1 + width :])
        for row in rows
    ]


def _may_act(request) -> bool:
    """Recruiters act; HR admins read the same pages without a single control."""
    return has_role(request.user, Role.RECRUITER)


def _refused_post(request) -> None:
    if not _may_act(request):
        raise PermissionDenied


def run_action(request, table: dict[str, actions.Action], *, candidate_id) -> actions.Done | Refusal:
    """Run the action a POST names; a refusal comes back to be shown on the page."""
    name = request.POST.get("action", "")
    action = table.get(name)
    if action is None:
        return Refusal(name, "", BLANK, _("This page has no such action."), 400)
    form = action.form or name
    target = str(candidate_id) if action.target == "candidate" else request.POST.get(action.target, "")
    try:
        return action.handler(request, candidate_id=candidate_id)
    except ValidationFailed as error:
        state = FormState(form_values(request.POST), template_errors(error) or {"__all__": [error.message]})
        # 400 for bad input, 409 for a clash with what is there now (an interviewer's booking).
        return Refusal(form, target, state, error.message, error.status_code)
    except InvalidTransition as error:
        return Refusal(form, target, FormState(form_values(request.POST)), error.message, 409)
    except Forbidden:
        raise PermissionDenied from None
    except NotFound:
        raise Http404 from None


def _done(request, done: actions.Done, url: str):
    messages.success(request, done.message)
    return redirect(f"{url}#{done.anchor}" if done.anchor else url)


# --- The candidate list ----------------------------------------------------------------------------

_LIST_ACTIONS = {
    "candidate_create": actions.candidate_create,
    "application_for_email": actions.application_for_email,
}


# The list's filters that may travel in its address: none of them is personal data. The search
# never does (`_search_kept`).
_LIST_FILTERS = ("position", "stage", "source", "added_from", "added_to", "sort")
# The session's searches of the list, by their short random key (`?s=`), the newest kept.
_SEARCHES = "candidate-searches"
SEARCHES_KEPT = 20
SEARCH_LENGTH_MAX = 200


def search_kind(text: str) -> str:
    """What a search box's text is looked up as: an e-mail when it has an @, a phone number when
    it is mostly digits (at least five, and three in four of its characters other than spaces),
    else words of a name (docs/architecture.md, "Finding candidates")."""
    if "@" in text:
        return "email"
    characters = [ch for ch in text if not ch.isspace()]
    digits = sum(ch.isdigit() and ch.isascii() for ch in characters)
    if digits >= 5 and digits * 4 >= len(characters) * 3:
        return "phone"
    return "q"


def _search_kept(request, text: str) -> str:
    """Keeps a search in the session under a new short random key, which the list's address
    carries instead of the text: a name, address or number in a URL would reach the access log,
    the browser's history and the next page's Referer."""
    searches = request.session.get(_SEARCHES) or {}
    key = secrets.token_urlsafe(6)
    searches[key] = {"kind": search_kind(text), "text": text}
    request.session[_SEARCHES] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return key


def _search_of(request) -> dict | None:
    """The search the list's `?s=` names, None without one; {} for a key the session does not
    hold (expired, or another browser's)."""
    key = request.GET.get("s")
    if not key:
        return None
    return (request.session.get(_SEARCHES) or {}).get(key) or {}


def _search_posted(request):
    """The search box's POST: the list's address with the filters and the search's key."""
    text = request.POST.get("search", "").strip()
    if len(text) > SEARCH_LENGTH_MAX:
        message = _("Search for at most %(count)d characters.") % {"count": SEARCH_LENGTH_MAX}
        return None, message
    query = {name: request.POST[name] for name in _LIST_FILTERS if request.POST.get(name)}
    if query.get("sort") == selectors.DEFAULT_SORT:
        del query["sort"]
    if text:
        query["s"] = _search_kept(request, text)
    url = reverse("hr-candidates")
    return redirect(f"{url}?{urlencode(query)}" if query else url), ""


def _list_filters(request) -> tuple[dict, dict]:
    """The filters the list applies: those of its address and its kept search; and the filter
    errors (a search key the session does not hold)."""
    filters = {name: request.GET[name] for name in _LIST_FILTERS if request.GET.get(name)}
    search = _search_of(request)
    if search is None:
        return filters, {}
    if not search:
        return filters, {"search": [_("This search is no longer kept: search again.")]}
    filters[search["kind"]] = search["text"]
    return filters, {}


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def candidate_list(request):
    """Candidates, filtered by one search box (a name's words, an exact e-mail or phone), position,
    stage, source and the dates they were added, sorted and paged keeping all of them; the search
    is posted and kept in the session (`_search_kept`). Recruiters add candidates and
    applications here, and select applications for a bulk action (`bulk.py`)."""
    refusal, search_error = None, ""
    if request.method == "POST" and request.POST.get("find") == "search":
        # A read, so HR admins may too.
        found, search_error = _search_posted(request)
        if found is not None:
            return found
    elif request.method == "POST":
        _refused_post(request)
        name = request.POST.get("action", "")
        handler = _LIST_ACTIONS.get(name)
        try:
            if handler is None:
                raise ValidationFailed(_("This page has no such action."))
            created = handler(request)
        except ValidationFailed as error:
            state = FormState(
                form_values(request.POST), template_errors(error) or {"__all__": [error.message]}
            )
            refusal = Refusal(name, "", state, error.message, error.status_code)
        else:
            candidate_id = getattr(created, "candidate_id", None) or created.pk
            message = (
                _("%(name)s is added. Their file is below.") % {"name": created.full_name}
                if isinstance(created, Candidate)
                else _("Application added for %(position)s.") % {"position": created.position}
            )
            messages.success(request, message)
            return redirect("hr-candidate", pk=candidate_id)

    filters, filter_errors = _list_filters(request)
    if search_error:
        filter_errors = {"search": [search_error]}
    page, rows, keys, more = None, [], None, False
    if not filter_errors:
        # Narrowed by position or stage, or sorted by an application, the page's keys come from
        # the applications' indexes.
        keys = selectors.candidate_page_keys(user=request.user, filters=filters)
    from_applications = keys is not None
    try:
        if filter_errors:
            raise ValidationFailed(_("Check the filters."), fields=filter_errors)
        if keys is None:
            keys = selectors.candidate_page_list(user=request.user, filters=filters)
    except ValidationFailed as error:
        filter_errors = error.fields
    else:
        # The whole list is counted from its tally; a filtered one, or one read from the
        # applications, up to COUNTED_UP_TO.
        narrowed = any(value for name, value in filters.items() if name != "sort")
        count = selectors.candidate_page_count(keys) if from_applications or narrowed else None
        more = count is not None and count > selectors.COUNTED_UP_TO
        page = audited_page(
            request,
            selectors.candidate_page_rows(user=request.user),
            detail={"query": candidate_search_for_trail(filters)},
            count=selectors.COUNTED_UP_TO if more else count,
            keys=keys,
            key=None if from_applications else "pk",
        )
        rows = selectors.candidate_rows(page.object_list, user=request.user)
        file_url, interview_url = url_for_each("hr-candidate"), url_for_each("hr-interview")
        for row in rows:
            row.file_url = file_url(row.candidate.pk)
            row.interview_url = interview_url(row.next_interview.pk) if row.next_interview else ""
    # Rows of `_POSITION_COLUMNS`: a position has no field concealed from anyone, and fifty model
    # instances cost more than the rest of the list's reads.
    positions = _titled(selectors.positions_for(user=request.user).values_list(*_POSITION_COLUMNS))
    may_act = _may_act(request)
    state_of_new = _state(refusal, "candidate_create", "")
    new_application = _state(refusal, "application_for_email", "")
    search = _search_of(request) or {}
    sort = filters.get("sort") if filters.get("sort") in selectors.SORTS else selectors.DEFAULT_SORT
    context = {
        "page": page,
        "more": more,
        "counted_up_to": number_format(selectors.COUNTED_UP_TO, force_grouping=True),
        "rows": rows,
        "filters": Fields(filters),
        "filter_errors": Fields(filter_errors),
        "filtered": any(filters.get(n) for n in _LIST_FILTERS if n != "sort") or bool(request.GET.get("s")),
        "search_text": search.get("text", ""),
        "search_kind": _SEARCH_KIND_LABELS.get(search.get("kind"), ""),
        "sort": sort,
        "sort_options": [(value, _SORT_LABELS[value]) for value in selectors.SORTS],
        "sort_url": _sort_url(request),
        "position_filter_options": _position_filter_options(positions, filters.get("position")),
        "position_options": _position_options(
            [row[:4] for row in positions if row[4] == Position.Status.OPEN],
            new_application.values.get("position"),
        ),
        "stages": Stage.choices,
        "query": query_without(request, "page"),
        "may_act": may_act,
        "bulk_at_most": bulk.BULK_AT_MOST,
        "bulk_actions": bulk_choices(),
        "interviewer_options": _options(_people({"interviewers": Role.INTERVIEWER})["interviewers"], None)
        if may_act and rows
        else "",
        "refusal": refusal,
        "new_candidate": state_of_new,
        "new_application": new_application,
        "languages": Language.choices,
        "time_zone_options": _zone_options(state_of_new.values.get("time_zone")) if may_act else "",
        "viewer_zone": timezone.get_current_timezone_name(),
    }
    status = refusal.status if refusal else (400 if filter_errors else 200)
    return render(request, "hr/candidates.html", context, status=status)


_SEARCH_KIND_LABELS = {
    "q": gettext_lazy("Searching names for every word given."),
    "email": gettext_lazy("Searching for this exact e-mail address."),
    "phone": gettext_lazy("Searching for this exact phone number."),
}
_SORT_LABELS = {
    "-added": gettext_lazy("Added, newest first"),
    "added": gettext_lazy("Added, oldest first"),
    "in_stage": gettext_lazy("Time in stage, longest first"),
    "-in_stage": gettext_lazy("Stage changed, latest first"),
    "position": gettext_lazy("Position"),
}


def _sort_url(request):
    """The list's address sorted by another order, the rest kept and back on its first page."""
    query = query_without(request, "page", "sort")
    return lambda sort: f"?{query}&sort={sort}" if query else f"?sort={sort}"


@functools.cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _zone_options(chosen: str | None) -> str:
    """The new candidate's time-zone choices as <option>s, the viewer's own zone preselected."""
    return _zone_options_with(chosen or timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=64)
def _zone_options_with(chosen: str) -> str:
    """Built once per preselected zone rather than in a template loop: some 600 zones would cost
    the list page more than all its queries together."""
    marks = ((" selected" if name == chosen else "", name) for name in _zone_names())
    return joined("<option{}>{}</option>", marks)


# Positions in the list's filter and the application forms, interviewers in the assign forms: like
# the zones, some fifty to a hundred <option>s per select, joined here rather than in a template loop.
_OPTION = '<option value="{}"{}>{}</option>'


@functools.lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...], selected) -> str:
    """<option>s for (value, label) pairs, the one whose value is `selected` preselected.

    Kept by the choices and the selection they are made of: a file offers the same hundred
    interviewers or recruiters in a form of each application, interview and offer, almost
    always with none selected, and the next page offers them again."""
    rows = ((value, " selected" if value == selected else "", label) for value, label in choices)
    return joined(_OPTION, rows)


def _position_filter_options(positions, selected) -> str:
    """The list filter's choices: every position (rows of `_POSITION_COLUMNS`), those not open
    with their state."""
    states = choice_labels(Position.Status)

    def label(title: str, status: str) -> str:
        return title if status == Position.Status.OPEN else f"{title} ({states.get(status, status)})"

    choices = tuple((str(pk), label(title, status)) for pk, title, _department, _region, status in positions)
    return _options(choices, selected)


def _position_options(open_positions, selected) -> str:
    """A new application's choices: the open positions, as `_POSITION_CHOICE_COLUMNS`, with their
    department and region."""
    return _options(
        tuple(
            (str(pk), f"{title} · {department} · {region}")
            for pk, title, department, region in open_positions
        ),
        selected,
    )


def _state(refusal: Refusal | None, form: str, target) -> FormState:
    if refusal is not None and refusal.action == form and refusal.target == str(target):
        return refusal.state
    return BLANK


# --- The candidate file ----------------------------------------------------------------------------


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def candidate_file(request, pk):
    """The candidate's whole file on one page; recruiters act from it."""
    refusal = None
    if request.method == "POST":
        _refused_post(request)
        result = run_action(request, actions.FILE_ACTIONS, candidate_id=pk)
        if isinstance(result, actions.Done):
            return _done(request, result, reverse("hr-candidate", args=[pk]))
        refusal = result
    try:
        file = selectors.candidate_file_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    context = _file_context(request, file, refusal)
    return render(request, "hr/candidate_file.html", context, status=refusal.status if refusal else 200)


def _file_context(request, file: selectors.CandidateFile, refusal: Refusal | None) -> dict:
    may_act = _may_act(request)
    candidate = file.candidate
    consents = file.consents
    choices = _choices(request, applications=file.applications, interviews=file.interviews)
    for application in file.applications:
        _decorate_application(application, refusal, request.user, may_act, choices)
    interview_url = url_for_each("hr-interview")
    for interview in file.interviews:
        _decorate_interview(interview, refusal, consents, choices)
        interview.page_url = interview_url(interview.pk)
    new_application = _state(refusal, "application_create", candidate.pk)
    upcoming = [
        i for i in file.interviews if i.status == Interview.Status.SCHEDULED and i.starts_at >= timezone.now()
    ]
    return {
        "candidate": candidate,
        "applications": file.applications,
        "interviews": file.interviews,
        "next_interview": min(upcoming, key=lambda i: i.starts_at, default=None),
        "prior_records": file.prior_records,
        "resume_files": file.resume_files,
        "resume_form": _state(refusal, "resume_upload", candidate.pk),
        "resume_max_mb": resume_files.max_bytes() // (1024 * 1024),
        "resume_file_url": url_for_each("hr-resume-file"),
        "general_consents": [c for c in consents if c.interview_id is None],
        "consent_scopes": [label for _value, label in Consent.Scope.choices],
        "interview_kinds": Interview.Kind.choices,
        "timeline": _timeline(file),
        "messages_capped": len(file.messages) >= selectors.MESSAGES_SHOWN,
        "may_act": may_act,
        "refusal": refusal,
        "new_application": new_application,
        "position_options": _position_options(
            choices["open_positions"], new_application.values.get("position")
        ),
        "portal_invite_url": reverse("portal-invite", args=[candidate.pk]) if may_act else "",
        "viewer_zone": timezone.get_current_timezone_name(),
    }


def _choices(request, *, applications=None, interviews=()) -> dict:
    """Who and what the action forms offer (nothing is read for an HR admin, who has no forms).
    The open positions for a new application, on a page of `applications` (None: a page with no
    application form); of the people, only those a form shown offers: interviewers where an
    application can be scheduled or an interview takes interviewers, recruiters as approvers of a
    draft offer. A form not shown offers no one, so no one is read for it."""
    choices = {"interviewers": (), "recruiters": (), "open_positions": ()}
    if not _may_act(request):
        return choices
    shown = applications or ()
    roles = {}
    if any(a.stage in scheduling.SCHEDULABLE_STAGES for a in shown) or any(
        i.status in scheduling.BUSY_STATUSES for i in interviews
    ):
        roles["interviewers"] = Role.INTERVIEWER
    if any(o.status == Offer.Status.DRAFT for a in shown for o in a.offer_list):
        roles["recruiters"] = Role.RECRUITER
    if applications is not None:
        open_positions = selectors.positions_for(user=request.user, open_only=True)
        choices["open_positions"] = tuple(_titled(open_positions.values_list(*_POSITION_CHOICE_COLUMNS)))
    if roles:
        choices.update(_people(roles))
    return choices


# A file offers every active interviewer on each application's schedule form and each interview's
# assign form: some hundred people per form. Their markup is joined here, once per form, rather
# than in a template loop, which cost the candidate file more than all of its queries.
_INTERVIEWER_CHECK = (
    '<label class="check"><input type="checkbox" name="interviewers" value="{}"{}> {}</label>'
)


def _people(roles: dict[str, Role]) -> dict[str, tuple[tuple[str, str], ...]]:
    """(id, name as shown) of each active user with each role, under the role's key in `roles`:
    the full name, else the user name. One query for all the roles."""
    people: dict[str, list[tuple[str, str]]] = {key: [] for key in roles}
    key_of = {role.value: key for key, role in roles.items()}
    # Values, not users: a hundred model instances cost more than the query that reads them.
    rows = selectors.active_users_by_role(*roles.values()).values_list(*_NAME_COLUMNS, "role")
    for pk, username, first_name, last_name, role in rows:
        people[key_of[role]].append((str(pk), full_name(first_name, last_name) or username))
    return {key: tuple(rows) for key, rows in people.items()}


@functools.lru_cache(maxsize=64)
def _interviewer_checks(people: tuple[tuple[str, str], ...], checked: tuple[str, ...]) -> str:
    # Kept as `_options` are: each application's schedule form offers the same interviewers.
    rows = ((pk, " checked" if pk in checked else "", name) for pk, name in people)
    return joined(_INTERVIEWER_CHECK, rows, "\n")


def _decorate_application(application, refusal, user, may_act: bool, choices: dict) -> None:
    application.forms = {
        name: _state(refusal, name, application.pk)
        for name in ("schedule", "move", "decide", "rating_record")
    }
    application.rateable = application.stage == Stage.HIRED
    # The position's dimensions, weightiest first, each with its label in the viewer's language.
    application.rating_dimensions = application.position.dimensions() if application.rateable else []
    application.interviewer_checks = _interviewer_checks(
        choices["interviewers"], tuple(application.forms["schedule"].values.get("interviewers") or ())
    )
    application.stage_moves = [
        (event, Stage(to).label) for event, to in selectors.stage_events_for(application)
    ]
    application.outcomes = selectors.decision_outcomes_for(application)
    application.schedulable = application.stage in scheduling.SCHEDULABLE_STAGES
    application.days_in_stage = selectors.days_in_stage(application, now=timezone.now())
    for check in application.check_list:
        check.tone = _tone(check.status)
    for plan in application.plan_list:
        plan.tone = _tone(plan.status)
        for task in plan.tasks.all():
            task.tone = _tone(task.status)
    for offer in application.offer_list:
        offer.tone = _tone(offer.status)
        offer.forms = {
            name: _state(refusal, name, offer.pk) for name in ("offer_submit", "offer_decide", "offer_cancel")
        }
        offer.round_approvals = [a for a in offer.approvals.all() if a.round == offer.approval_round]
        for step in offer.round_approvals:
            step.tone = _tone(step.status)
        pending = [a for a in offer.round_approvals if a.status == OfferApproval.Status.PENDING]
        offer.next_step = pending[0] if pending else None
        offer.my_turn = may_act and offer.next_step is not None and offer.next_step.approver_id == user.pk
        offer.is_open = offer.status in OPEN_STATES
        offer.is_draft = offer.status == Offer.Status.DRAFT
        offer.is_approved = offer.status == Offer.Status.APPROVED
        chosen = offer.forms["offer_submit"].values
        offer.approver_selects = [
            (n, _options(choices["recruiters"], chosen.get(f"approver_{n}"))) for n in range(1, 4)
        ]


def _decorate_interview(interview, refusal, consents, choices: dict) -> None:
    interview.tone = _tone(interview.status)
    interview.forms = {
        name: _state(refusal, name, interview.pk) for name in ("reschedule", "cancel", "assign")
    }
    assessment = interview.assessment_shown = selectors.assessment_of(interview)
    interview.dimension_list = assessment.dimension_list if assessment else []
    if assessment is not None:
        assessment.overall_confidence_pct = _percent(assessment.overall_confidence)
        assessment.transcript_quality_pct = _percent(assessment.transcript_quality)
    position = interview.application.position
    for dimension in interview.dimension_list:
        dimension.label = position.dimension_label(dimension.dimension)
        dimension.form = _state(refusal, "review", dimension.pk)
        dimension.confidence_pct = _percent(dimension.confidence)
        dimension.low_confidence = dimension.confidence < MIN_CONFIDENCE
        dimension.quotes = evidence_quotes(dimension.evidence)
    interview.may_assign = False
    if interview.status in scheduling.BUSY_STATUSES:
        assigned = {str(a.interviewer_id) for a in interview.assignment_list}
        assignable = tuple((pk, name) for pk, name in choices["interviewers"] if pk not in assigned)
        interview.may_assign = bool(assignable)
        if assignable:
            interview.assignable_options = _options(
                assignable, interview.forms["assign"].values.get("interviewer")
            )
    interview.is_scheduled = interview.status == Interview.Status.SCHEDULED
    state = selectors.consent_by_scope(consents, interview_id=interview.pk)
    interview.consent_rows = [(Consent.Scope(scope).label, consent) for scope, consent in state.items()]
    for consent in state.values():
        if consent is not None:
            consent.tone = _tone(consent.decision)
    for card in interview.submitted_scorecards:
        card.tone = _tone(card.recommendation)
        card.rating_rows = [(position.dimension_label(name), rating) for name, rating in card.ratings.items()]


# The colour of a state's badge; states not named here keep the default blue.
_TONES = {
    "ok": {"completed", "passed", "accepted", "approved", "sent", "given", "complete", "done", "delivered"}
    | {"strong_yes", "yes"},
    "bad": {
        "technical_issue",
        "no_show",
        "failed",
        "declined",
        "rejected",
        "refused",
        "dead",
        "strong_no",
        "no",
    },
    "warn": {"in_progress", "pending_approval", "inconclusive", "withdrawn", "sending", "review_requested"},
    "neutral": {"cancelled", "expired", "draft", "void", "pending"},
}


def _tone(state: str) -> str:
    return next((tone for tone, states in _TONES.items() if state in states), "")


def _percent(fraction) -> int:
    return round(float(fraction) * 100)


def _timeline(file: selectors.CandidateFile) -> list[dict]:
    """Stage changes and messages, newest first."""
    entries = []
    for application in file.applications:
        for change in application.stage_list:
            entries.append({"at": change.at, "kind": "stage", "change": change, "application": application})
    for message in file.messages:
        message.tone = _tone(message.status)
        entries.append({"at": message.sent_at or message.due_at, "kind": "message", "message": message})
    return sorted(entries, key=lambda e: e["at"], reverse=True)


@role_required(*HR)
@require_GET
def resume_file_download(request, pk):
    """A candidate's résumé file, as an attachment: a `view` and an `export` event."""
    file = visible_or_404(ResumeFile.objects.all(), user=request.user, pk=pk)
    content = resume_files.resume_file_content(file, actor=request.user)
    return attachment(content, content_type=file.content_type, filename=file.filename)


# --- HR's interview page ---------------------------------------------------------------------------


@role_required(*HR)
@require_GET
def interview_recording(request, pk):
    """The interview's recording on the provider, through a link issued for this viewing."""
    try:
        return leave_for(recording_share(interview_id=pk, actor=request.user))
    except NotFound:
        raise Http404 from None


_ACCOMMODATION_TONES = {"requested": "warn", "granted": "ok", "declined": "neutral"}


def _accommodations(request, interview, refusal) -> list[dict]:
    """The interview's accommodation requests, each with its answer form's state, its tone and
    whether it is overdue (docs/architecture.md, "Accommodations")."""
    rows = interview_accommodations_for(user=request.user, interview=interview, page="hr_interview")
    now = timezone.now()
    return [
        {
            "accommodation": row,
            "tone": _ACCOMMODATION_TONES.get(row.state, ""),
            "overdue": accommodation_overdue(row, now=now),
            "open": row.state == "requested",
            "form": _state(refusal, "accommodation_answer", row.pk),
        }
        for row in rows
    ]


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def interview_page(request, pk):
    """One interview for HR: time in the viewer's and the candidate's zone, join link,
    interviewers, AI assessment with evidence, scorecards, incidents, messages, and the actions."""
    refusal = None
    if request.method == "POST":
        _refused_post(request)
        candidate_id = selectors.interview_candidate_id(user=request.user, pk=pk)
        if candidate_id is None:
            raise Http404
        result = run_action(request, actions.INTERVIEW_ACTIONS, candidate_id=candidate_id)
        if isinstance(result, actions.Done):
            return _done(request, result, reverse("hr-interview", args=[pk]))
        refusal = result
    try:
        shown = selectors.interview_page_for(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    interview = shown.interview
    choices = _choices(request, interviews=[interview])
    _decorate_interview(interview, refusal, shown.consents, choices)
    for message in shown.messages:
        message.tone = _tone(message.status)
    context = {
        "accommodations": _accommodations(request, interview, refusal),
        "interview": interview,
        "application": interview.application,
        "candidate": interview.application.candidate,
        "interview_messages": shown.messages,
        "may_act": _may_act(request),
        "refusal": refusal,
        "viewer_zone": timezone.get_current_timezone_name(),
        "on_interview_page": True,
    }
    return render(request, "hr/interview.html", context, status=refusal.status if refusal else 200)
