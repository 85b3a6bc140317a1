"""HR's position pages: the list, a new position, a position's page with its moves (on hold,
resumed, closed, reopened), its edit form, and closing a closed position's open applications
together (docs/architecture.md, "Positions").

Recruiters act; HR admins read the list and the pages without a control (their POST is refused
before anything is read, and the forms' own pages are not theirs); interviewers and candidates
open none of them. Reads go through `candidates.selectors` (restricted, and audited here), every
write through `candidates.services.positions`, which alone checks what a form sends: a refused
form comes back with its values and the service's field errors (400), a move the position's
state no longer allows with its message (409).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice.forms import (
    BLANK,
    DIMENSION_ROWS_BLANK,
    PLAN_ROWS_BLANK,
    FormState,
    Refusal,
    position_input,
    position_shown,
    template_errors,
)
from backoffice.views.actions import _uuid_ids
from backoffice.views.candidates import _interviewer_checks, _options, _people, _zone_options
from candidates import selectors
from candidates.models import Application, Position
from candidates.services import positions as services
from hrsuite import trail
from hrsuite.errors import ApplicationError, Forbidden, NotFound, ValidationFailed
from hrsuite.pages import audited_page, query_without, role_required, url_for_each, visible_or_404
from hrsuite.permissions import has_role, restrict
from hrsuite.roles import Role
from onboarding.services.decisions import closed_position_reject, closed_position_reject_check

HR = (Role.RECRUITER, Role.HR_ADMIN)
_STATUS_TONES = {"open": "ok", "on_hold": "warn", "closed": "neutral"}
# The moves a position's page offers from each state, as (event, button label, button class).
_MOVES = {
    Position.Status.OPEN: (
        ("hold", gettext_lazy("Put on hold"), "secondary"),
        ("close", gettext_lazy("Close"), "secondary"),
    ),
    Position.Status.ON_HOLD: (
        ("resume", gettext_lazy("Open again"), ""),
        ("close", gettext_lazy("Close"), "secondary"),
    ),
    Position.Status.CLOSED: (("reopen", gettext_lazy("Reopen"), ""),),
}
_DONE = {
    "hold": gettext_lazy("The position is on hold: it takes no new applications until it is open again."),
    "resume": gettext_lazy("The position is open again."),
    "close": gettext_lazy("The position is closed: it takes no new applications."),
    "reopen": gettext_lazy("The position is open again."),
}
# How many of a closed position's open applications are listed and closed in one go; the rest
# are listed, and closed, next time.
CLOSE_AT_ONCE = 100
# The session key of the last closing of a position's applications, for its result page.
_CLOSING_RESULT = "position-closing"


def _may_act(request) -> bool:
    return has_role(request.user, Role.RECRUITER)


def _refused_post(request) -> None:
    if not _may_act(request):
        raise PermissionDenied


def _position_or_404(request, pk) -> Position:
    """The position with its hiring team, if the user may see it (a `view` event), else 404."""
    return visible_or_404(selectors.position_detail_queryset(user=request.user), user=request.user, pk=pk)


def _status_labels() -> list[tuple[str, str]]:
    return [("", _("All")), *Position.Status.choices]


# --- The list ------------------------------------------------------------------------------------


@role_required(*HR)
@require_GET
def position_list(request):
    """Every position by title in the reader's language, filtered by status, paged."""
    filters = {"status": request.GET.get("status", "")} if request.GET.get("status") else {}
    page, rows, filter_errors = None, [], {}
    try:
        queryset = selectors.position_list_for(user=request.user, filters=filters).select_related("owner")
    except ValidationFailed as error:
        filter_errors = error.fields
    else:
        page = audited_page(request, queryset, detail={"list": "positions"})
        page_url = url_for_each("hr-position")
        rows = [
            {"position": row, "url": page_url(row.pk), "tone": _STATUS_TONES.get(row.status, "")}
            for row in page.object_list
        ]
    context = {
        "page": page,
        "rows": rows,
        "chosen": request.GET.get("status", ""),
        "statuses": _status_labels(),
        "filter_errors": filter_errors,
        "query": query_without(request, "page"),
        "may_act": _may_act(request),
    }
    return render(request, "hr/positions.html", context, status=400 if filter_errors else 200)


# --- A new position, and its edit form --------------------------------------------------------------


def _form_context(state: FormState, *, position: Position | None = None) -> dict:
    """What the position form offers: the recruiters who may own it, the interviewers of its pool,
    the zones, the kinds of interview, and as many plan and dimension rows as the position has
    and a few blank ones, up to what a position may hold."""
    values = state.values
    people = _people({"recruiters": Role.RECRUITER, "interviewers": Role.INTERVIEWER})
    plan, dimensions = list(values.get("plan") or []), list(values.get("dimensions") or [])
    plan += [{}] * max(0, min(len(plan) + PLAN_ROWS_BLANK, services.PLAN_STEPS_MAX) - len(plan))
    dimensions += [{}] * max(
        0, min(len(dimensions) + DIMENSION_ROWS_BLANK, services.DIMENSIONS_MAX) - len(dimensions)
    )
    shortest, longest = services.plan_step_minutes()
    return {
        "position": position,
        "form": state,
        "plan_rows": plan,
        "dimension_rows": dimensions,
        "owner_options": _options(people["recruiters"], str(values.get("owner") or "")),
        "interviewer_checks": _interviewer_checks(
            people["interviewers"], tuple(str(pk) for pk in values.get("interviewers") or ())
        ),
        "time_zone_options": _zone_options(values.get("time_zone") or None),
        "step_kinds": services.plan_step_kinds(),
        "step_minutes": (shortest, longest),
        "default_notice_hours": settings.HRSUITE_REJECTION_NOTICE_HOURS,
    }


def _submitted(request, write) -> tuple[Position | None, Refusal | None]:
    """The form's POST through `write(values)`: the position written, or the refused form."""
    values, shown, parse_errors = position_input(
        request.POST, steps_max=services.PLAN_STEPS_MAX, dimensions_max=services.DIMENSIONS_MAX
    )
    try:
        if parse_errors:
            raise ValidationFailed(_("Check the fields marked below."), fields=parse_errors)
        return write(values), None
    except ValidationFailed as error:
        state = FormState(shown, template_errors(error) or {"__all__": [error.message]})
        return None, Refusal("position", "", state, error.message, error.status_code)
    except Forbidden:
        raise PermissionDenied from None


@role_required(Role.RECRUITER)
@require_http_methods(["GET", "POST"])
def position_new(request):
    """A new position, open from the start; the recruiter creating it owns it unless they choose
    another."""
    refusal = None
    if request.method == "POST":
        created, refusal = _submitted(
            request, lambda values: services.position_create(actor=request.user, **values)
        )
        if created is not None:
            messages.success(request, _("The position is open. Its page is below."))
            return redirect("hr-position", pk=created.pk)
    state = refusal.state if refusal else FormState({"owner": str(request.user.pk), "headcount": "1"})
    context = {**_form_context(state), "refusal": refusal}
    return render(request, "hr/position_form.html", context, status=refusal.status if refusal else 200)


@role_required(Role.RECRUITER)
@require_http_methods(["GET", "POST"])
def position_edit(request, pk):
    position = _position_or_404(request, pk)
    refusal = None
    if request.method == "POST":

        def write(values):
            return services.position_update(position=position, actor=request.user, **values)

        updated, refusal = _submitted(request, write)
        if updated is not None:
            messages.success(request, _("The position is saved."))
            return redirect("hr-position", pk=pk)
    state = refusal.state if refusal else FormState(position_shown(position))
    if not state.values.get("owner"):
        state.values["owner"] = str(request.user.pk)  # a position from before owners: theirs to take
    context = {**_form_context(state, position=position), "refusal": refusal}
    return render(request, "hr/position_form.html", context, status=refusal.status if refusal else 200)


# --- A position's page -----------------------------------------------------------------------------


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def position_page(request, pk):
    """The position: its titles, place, team, plan and dimensions, its moves, and once closed its
    open applications, for HR to close together."""
    refusal = None
    if request.method == "POST":
        _refused_post(request)
        event = request.POST.get("action", "")
        position = _position_or_404(request, pk)
        try:
            if event not in services.POSITION_EVENTS:
                raise ValidationFailed(_("This page has no such action."))
            services.position_transition(position=position, event=event, actor=request.user)
        except Forbidden:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            refusal = Refusal(event, str(pk), BLANK, error.message, error.status_code)
        else:
            messages.success(request, str(_DONE[event]))
            return redirect("hr-position", pk=pk)
    position = _position_or_404(request, pk)
    context = {**_page_context(request, position), "refusal": refusal}
    return render(request, "hr/position.html", context, status=refusal.status if refusal else 200)


def _page_context(request, position: Position) -> dict:
    closed = position.status == Position.Status.CLOSED
    open_applications, open_count = [], 0
    if closed:
        open_applications, open_count = _open_applications(request, position)
    kinds = dict(services.plan_step_kinds())
    return {
        "position": position,
        "tone": _STATUS_TONES.get(position.status, ""),
        "other_title": _other_title(position),
        "plan": [
            {"kind": kinds.get(step.get("kind"), step.get("kind")), "minutes": step.get("duration_minutes")}
            for step in position.interview_plan
        ],
        "dimensions": [
            {
                **dimension,
                "percent": f"{dimension['weight'] * 100:g}",
                "labels": position.dimension_labels.get(dimension["key"], {}),
            }
            for dimension in position.dimensions()
        ],
        "interviewers": list(position.interviewers.all()),
        "moves": _MOVES.get(position.status, ()) if _may_act(request) else (),
        "may_act": _may_act(request),
        "closed": closed,
        "open_applications": open_applications,
        "open_count": open_count,
        "close_at_once": CLOSE_AT_ONCE,
        "notice_hours": _notice_hours(position),
        "form": BLANK,
    }


def _other_title(position: Position) -> str:
    """The title in the language the page is not in, where it differs."""
    shown = position.title
    other = next((title for title in position.titles.values() if title and title != shown), "")
    return other


def _notice_hours(position: Position) -> int:
    hours = position.rejection_notice_hours
    return settings.HRSUITE_REJECTION_NOTICE_HOURS if hours is None else hours


def _open_applications(request, position: Position) -> tuple[list[Application], int]:
    """The first CLOSE_AT_ONCE open applications of the position (one `list` event naming them),
    and how many there are."""
    rows = list(
        selectors.position_open_applications(user=request.user, position=position, limit=CLOSE_AT_ONCE)
    )
    count = len(rows)
    if count == CLOSE_AT_ONCE:
        count = selectors.position_open_application_count(user=request.user, position=position)
    trail.listed(
        actor=request.user,
        model=Application,
        ids=[row.pk for row in rows],
        detail={"page": request.path, "list": "position-open-applications", "position": str(position.pk)},
    )
    file_url = url_for_each("hr-candidate")
    for row in rows:
        row.file_url = file_url(row.candidate_id)
    return rows, count


# --- Closing a closed position's open applications -----------------------------------------------------


@role_required(*HR)
@require_POST
@transaction.non_atomic_requests
def position_close_applications(request, pk):
    """Two steps, both POSTs from the position's page: `review` shows what will happen to how
    many (nothing is written); `confirm` rejects each application listed there on its own, with
    the reason given, and shows the result. Not one transaction for the request: each rejection
    commits, or is refused, by itself (`closed_position_reject`)."""
    _refused_post(request)
    position = _position_or_404(request, pk)
    reason = request.POST.get("reason", "").strip()
    try:
        closed_position_reject_check(position=position, reason=reason)
        if request.POST.get("step") == "confirm":
            ids = _uuid_ids(request.POST.getlist("application"))[:CLOSE_AT_ONCE]
            outcomes = closed_position_reject(
                position=position, application_ids=ids, reason=reason, actor=request.user
            )
    except Forbidden:
        raise PermissionDenied from None
    except ValidationFailed as error:
        state = FormState({"reason": reason}, template_errors(error))
        return _page_refused(
            request, position, Refusal("close_applications", str(pk), state, error.message, error.status_code)
        )
    if request.POST.get("step") != "confirm":
        rows, count = _open_applications(request, position)
        context = {
            "position": position,
            "rows": rows,
            "count": count,
            "reason": reason,
            "notice_hours": _notice_hours(position),
        }
        return render(request, "hr/position_close_confirm.html", context)
    results = [
        {"application": str(outcome.application.pk), "done": outcome.done, "why": outcome.why}
        for outcome in outcomes
    ]
    request.session[_CLOSING_RESULT] = {"position": str(position.pk), "results": results}
    return redirect("hr-position-closing", pk=pk)


def _page_refused(request, position: Position, refusal: Refusal):
    context = {**_page_context(request, position), "refusal": refusal, "form": refusal.state}
    return render(request, "hr/position.html", context, status=refusal.status)


@role_required(*HR)
@require_GET
def position_closing(request, pk):
    """The result of the last closing of this position's applications: which were rejected, and
    which were refused and why (one `list` event naming them)."""
    position = _position_or_404(request, pk)
    kept = request.session.get(_CLOSING_RESULT) or {}
    if kept.get("position") != str(position.pk):
        return redirect("hr-position", pk=pk)
    results = kept["results"]
    applications = {
        str(row.pk): row
        for row in restrict(Application.objects.select_related("candidate"), user=request.user).filter(
            position=position, pk__in=[result["application"] for result in results]
        )
    }
    trail.listed(
        actor=request.user,
        model=Application,
        ids=list(applications),
        detail={"page": request.path, "list": "position-closing", "position": str(position.pk)},
    )
    file_url = url_for_each("hr-candidate")
    rows = [
        {
            **result,
            "row": applications[result["application"]],
            "file_url": file_url(applications[result["application"]].candidate_id),
        }
        for result in results
        if result["application"] in applications
    ]
    context = {
        "position": position,
        "done": [row for row in rows if row["done"]],
        "refused": [row for row in rows if not row["done"]],
        "remaining": selectors.position_open_application_count(user=request.user, position=position),
        "notice_hours": _notice_hours(position),
        "position_url": reverse("hr-position", args=[pk]),
        "viewer_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "hr/position_closing.html", context)
