"""HR's privacy request pages: the list (open ones by deadline, filtered by state, kind and overdue),
recording a request received by e-mail, phone or letter, and a request's page with its actions.

Recruiters act, HR admins read the same pages without a control (their POST is refused before
anything is read). Reads go through `privacy.selectors` (restricted and audited), writes through
`privacy.services`; a refused form comes back with its message (400, or 409 for a move the
request's state no longer allows).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backoffice.forms import (
    BLANK,
    FormState,
    Refusal,
    form_values,
    local_moment,
    template_errors,
    viewer_zone,
)
from backoffice.selectors.candidate_file import candidate_id_found_by_email
from candidates.models import Candidate
from hrsuite.errors import ApplicationError, Forbidden, NotFound, ValidationFailed
from hrsuite.pages import audited_page, query_without, role_required, url_for_each, visible_or_404
from hrsuite.permissions import has_role
from hrsuite.roles import Role
from onboarding.selectors import erasure_holds
from privacy import selectors
from privacy.models import AccessBundle, PrivacyRequest, RetentionRun
from privacy.services import access, erasure
from privacy.services import requests as services

HR = (Role.RECRUITER, Role.HR_ADMIN)
_STATE_TONES = {"received": "warn", "in_progress": "", "done": "ok", "refused": "neutral"}
_COPY_TONES = {"pending": "", "ready": "ok", "failed": "bad", "expired": "neutral"}
_STEP_TONES = {"pending": "", "sending": "", "done": "ok", "failed": "bad"}


def _may_act(request) -> bool:
    return has_role(request.user, Role.RECRUITER)


def _refused_post(request) -> None:
    if not _may_act(request):
        raise PermissionDenied


# --- The list ----------------------------------------------------------------------------------


def _list_filters(request) -> dict:
    """The list's filters: open requests unless a state is chosen ("all" for every one)."""
    filters = {
        name: request.GET.get(name, "") for name in ("state", "kind", "overdue") if request.GET.get(name)
    }
    filters.setdefault("state", selectors.OPEN)
    if filters["state"] == "all":
        del filters["state"]
    return filters


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def privacy_request_list(request):
    refusal = None
    if request.method == "POST":
        _refused_post(request)
        try:
            recorded = _record(request)
        except ValidationFailed as error:
            state = FormState(
                form_values(request.POST), template_errors(error) or {"__all__": [error.message]}
            )
            refusal = Refusal("record", "", state, error.message, error.status_code)
        else:
            messages.success(request, _("The request is recorded. Its deadline is on its page."))
            return redirect("hr-privacy-request", pk=recorded.pk)

    filters = _list_filters(request)
    page, rows, filter_errors = None, [], {}
    try:
        queryset = selectors.privacy_request_list_for(user=request.user, filters=filters)
    except ValidationFailed as error:
        filter_errors = error.fields
    else:
        page = audited_page(request, queryset, detail={"list": "privacy-requests"})
        page_url, file_url = url_for_each("hr-privacy-request"), url_for_each("hr-candidate")
        rows = [
            {
                "request": row,
                "url": page_url(row.pk),
                "file_url": file_url(row.candidate_id),
                "overdue": services.is_overdue(row),
                "tone": _STATE_TONES.get(row.state, ""),
            }
            for row in page.object_list
        ]
    context = {
        "page": page,
        "rows": rows,
        "chosen": {
            "state": request.GET.get("state") or selectors.OPEN,
            "kind": request.GET.get("kind", ""),
            "overdue": request.GET.get("overdue", ""),
        },
        "filter_errors": filter_errors,
        "states": [(selectors.OPEN, _("Open")), ("all", _("All")), *PrivacyRequest.State.choices],
        "kinds": PrivacyRequest.Kind.choices,
        "channels": services.RECORDED_CHANNEL_CHOICES,
        "query": query_without(request, "page"),
        "may_act": _may_act(request),
        "refusal": refusal,
        "form": refusal.state if refusal else BLANK,
        "viewer_zone": viewer_zone().key,
    }
    status = refusal.status if refusal else (400 if filter_errors else 200)
    return render(request, "hr/privacy_requests.html", context, status=status)


def _record(request) -> PrivacyRequest:
    """The "record a request" form: the candidate found by their exact e-mail, and when it came
    in (in the viewer's zone; empty for now)."""
    post = request.POST
    candidate_id = candidate_id_found_by_email(
        user=request.user, email=post.get("email", "").strip(), page="hr-privacy-requests"
    )
    errors: dict[str, list[str]] = {}
    received_at = None
    if post.get("received_at", "").strip():
        received_at = local_moment(
            post["received_at"], zone=viewer_zone(), field_name="received_at", errors=errors
        )
    if errors:
        raise ValidationFailed(_("Check the fields marked below."), fields=errors)
    return services.privacy_request_record(
        candidate=Candidate.objects.get(pk=candidate_id),
        kind=post.get("kind", ""),
        channel=post.get("channel", ""),
        text=post.get("text", ""),
        received_at=received_at,
        actor=request.user,
    )


# --- Retention ----------------------------------------------------------------------------------

RETENTION_RUNS_SHOWN = 30
_RULES = {
    "recordings": gettext_lazy("Recordings and transcripts"),
    "consent_withdrawn": gettext_lazy("Recordings and transcripts: consent withdrawn"),
    "ai_assessments": gettext_lazy("Evidence quotes and review notes"),
    "rejected_files": gettext_lazy("Whole files of candidates not hired (erased)"),
    "onboarding_documents": gettext_lazy("Onboarding documents"),
}


@role_required(*HR)
@require_http_methods(["GET"])
def retention_runs(request):
    """The nightly purge's reports, newest first: what each rule purged, as counts (no one is
    named), and the periods in force."""
    runs = list(RetentionRun.objects.order_by("-started_at")[:RETENTION_RUNS_SHOWN])
    context = {
        "runs": runs,
        "rules": _RULES,
        "periods": settings.HRSUITE_RETENTION_DAYS,
        "viewer_zone": viewer_zone().key,
    }
    return render(request, "hr/retention.html", context)


# --- A request's page ----------------------------------------------------------------------------

_ACTIONS = {
    "start": lambda request, row: services.privacy_request_start(request=row, actor=request.user),
    "complete": lambda request, row: services.privacy_request_complete(
        request=row, actor=request.user, resolution=request.POST.get("resolution", "")
    ),
    "refuse": lambda request, row: services.privacy_request_refuse(
        request=row, actor=request.user, reason=request.POST.get("reason", "")
    ),
    "retry_copy": lambda request, row: access.access_bundle_retry(request=row, actor=request.user),
    "erase": lambda request, row: _erase(request, row),
    "retry_steps": lambda request, row: erasure.erasure_steps_retry(request=row, actor=request.user),
}
# Lazy: said in the language of the request that is answered, not of the one that loaded the module.
_DONE = {
    "start": gettext_lazy("The request is in progress."),
    "complete": gettext_lazy("The request is done."),
    "refuse": gettext_lazy("The request is refused; the candidate can read why in their portal."),
    "retry_copy": gettext_lazy("The copy is being prepared again."),
    "erase": gettext_lazy(
        "The person's data is erased. The systems that received it are being asked to delete it; "
        "the request is done when they all have, and the person is then told."
    ),
    "retry_steps": gettext_lazy("The failed steps are being taken again."),
}


def _erase(request, row):
    """Erasing cannot be undone: the form says so, and asks for a tick that the person's
    identity was checked and the request is theirs."""
    if request.POST.get("confirm") != "yes":
        message = _("Tick the box to confirm: erasing cannot be undone.")
        raise ValidationFailed(message, fields={"confirm": [message]})
    return erasure.erasure_carry_out(request=row, actor=request.user)


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def privacy_request_page(request, pk):
    refusal = None
    if request.method == "POST":
        _refused_post(request)
        name = request.POST.get("action", "")
        row = visible_or_404(
            selectors.privacy_request_detail_queryset(user=request.user), user=request.user, pk=pk
        )
        try:
            if name not in _ACTIONS:
                raise ValidationFailed(_("This page has no such action."))
            _ACTIONS[name](request, row)
        except Forbidden:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            # Bad input (400), or a move the request's state no longer allows (409).
            errors = template_errors(error) if isinstance(error, ValidationFailed) else {}
            refusal = Refusal(
                name, str(pk), FormState(form_values(request.POST), errors), error.message, error.status_code
            )
        else:
            messages.success(request, _DONE[name])
            return redirect("hr-privacy-request", pk=pk)
    row = visible_or_404(
        selectors.privacy_request_detail_queryset(user=request.user), user=request.user, pk=pk
    )
    copy = selectors.access_copy_of(row)
    steps = selectors.erasure_steps_of(row)
    erasing = (
        row.kind == PrivacyRequest.Kind.ERASURE and row.state in PrivacyRequest.OPEN_STATES and not steps
    )
    context = {
        "row": row,
        "tone": _STATE_TONES.get(row.state, ""),
        "overdue": services.is_overdue(row),
        "open": row.state in PrivacyRequest.OPEN_STATES,
        "copy": copy,
        "copy_tone": _COPY_TONES.get(copy.status, "") if copy else "",
        "copy_failed": copy is not None and copy.status == AccessBundle.Status.FAILED,
        "restriction": selectors.restriction_of(row),
        "steps": steps,
        "step_tones": _STEP_TONES,
        "steps_failed": any(step.status == "failed" and step.kind != "confirmation" for step in steps),
        "holds": erasure_holds(candidate_id=row.candidate_id) if erasing else [],
        "erasing": erasing,
        "may_act": _may_act(request),
        "refusal": refusal,
        "form": refusal.state if refusal else BLANK,
        "viewer_zone": viewer_zone().key,
    }
    return render(request, "hr/privacy_request.html", context, status=refusal.status if refusal else 200)
