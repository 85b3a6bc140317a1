"""Bulk actions on the applications selected on HR's candidate list (docs/architecture.md, "Bulk
actions"): the list's form posts the selection here; `review` shows what will happen to how many,
nothing written; `confirm` applies the action to each application on its own
(`onboarding.services.bulk.applications_bulk`) and shows which were done and which refused, and
why. Recruiters only: an HR admin's POST is refused (403)."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import full_name
from backoffice.selectors.candidate_file import days_in_stage
from candidates.models import Application
from hrsuite import trail
from hrsuite.errors import Forbidden, ValidationFailed
from hrsuite.pages import role_required, url_for_each
from hrsuite.permissions import has_role, restrict
from hrsuite.roles import Role
from onboarding.services.bulk import BULK_AT_MOST, BulkAction, applications_bulk, applications_bulk_check

# The session's results of bulk actions, by a short random key in the result page's address; the
# newest few are kept. Ids and outcomes only: no names.
_RESULTS = "bulk-results"
RESULTS_KEPT = 5
# What of the list's address the pages lead back to: its search's key, filters, order and page.
_BACK_KEYS = ("s", "position", "stage", "source", "added_from", "added_to", "sort", "page")


def bulk_choices() -> list[tuple[str, str]]:
    return list(BulkAction.choices)


def _back(value: str) -> str:
    """The list's query string the selection was made on, only what the list reads from it."""
    given = QueryDict(value or "")
    kept = QueryDict(mutable=True)
    for key in _BACK_KEYS:
        if given.get(key):
            kept[key] = given[key]
    return kept.urlencode()


def _params(request) -> dict:
    return {
        "action": request.POST.get("action", ""),
        "application_ids": request.POST.getlist("application")[: BULK_AT_MOST + 1],
        "reason": request.POST.get("reason", ""),
        "interviewer": request.POST.get("interviewer") or None,
    }


@role_required(Role.RECRUITER, Role.HR_ADMIN)
@require_POST
@transaction.non_atomic_requests
def candidates_bulk(request):
    """Review, then confirm, a bulk action on the selected applications. Not one transaction for
    the request: each application commits, or is refused, by itself."""
    if not has_role(request.user, Role.RECRUITER):
        raise PermissionDenied
    params = _params(request)
    back = _back(request.POST.get("back", ""))
    try:
        if request.POST.get("step") == "confirm":
            outcomes = applications_bulk(actor=request.user, **params)
        else:
            checked = applications_bulk_check(actor=request.user, **params)
    except Forbidden:
        raise PermissionDenied from None
    except ValidationFailed as error:
        context = {"errors": error.fields, "message": error.message, "back": back}
        return render(request, "hr/bulk_confirm.html", context, status=error.status_code)
    if request.POST.get("step") != "confirm":
        return _review(request, checked, back)
    results = request.session.get(_RESULTS) or {}
    key = secrets.token_urlsafe(6)
    results[key] = {
        "action": params["action"],
        "back": back,
        "results": [
            {"application": str(outcome.application.pk), "done": outcome.done, "why": outcome.why}
            for outcome in outcomes
        ],
    }
    request.session[_RESULTS] = dict(list(results.items())[-RESULTS_KEPT:])
    return redirect("hr-candidates-bulk-result", key=key)


def _review(request, checked, back: str):
    """The confirmation: the action, how many, each application (one `list` event), and a form
    carrying the same selection to `confirm`."""
    rows = checked.applications
    trail.listed(
        actor=request.user,
        model=Application,
        ids=[str(row.pk) for row in rows],
        detail={"page": request.path, "list": "bulk-review", "action": checked.action},
    )
    now = timezone.now()
    file_url = url_for_each("hr-candidate")
    for row in rows:
        row.days_in_stage = days_in_stage(row, now=now)
        row.file_url = file_url(row.candidate_id)
    interviewer = checked.interviewer
    context = {
        "action": checked.action,
        "action_label": BulkAction(checked.action).label,
        "rows": rows,
        "unseen": checked.unseen,
        "reason": checked.reason,
        "interviewer": interviewer,
        "interviewer_name": full_name(interviewer.first_name, interviewer.last_name) or interviewer.username
        if interviewer
        else "",
        "back": back,
    }
    return render(request, "hr/bulk_confirm.html", context)


@role_required(Role.RECRUITER, Role.HR_ADMIN)
@require_GET
def candidates_bulk_result(request, key):
    """Which applications of a bulk action were done, and which refused and why (one `list`
    event naming them); kept in the session of whoever ran it."""
    kept = (request.session.get(_RESULTS) or {}).get(key)
    if kept is None:
        return redirect("hr-candidates")
    results = kept["results"]
    applications = {
        str(row.pk): row
        for row in restrict(
            Application.objects.select_related("candidate", "position"), user=request.user
        ).filter(pk__in=[result["application"] for result in results])
    }
    trail.listed(
        actor=request.user,
        model=Application,
        ids=list(applications),
        detail={"page": request.path, "list": "bulk-result", "action": kept["action"]},
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
    back = kept["back"]
    context = {
        "action_label": BulkAction(kept["action"]).label,
        "done": [row for row in rows if row["done"]],
        "refused": [row for row in rows if not row["done"]],
        "list_url": f"{reverse('hr-candidates')}?{back}" if back else reverse("hr-candidates"),
    }
    return render(request, "hr/bulk_result.html", context)
