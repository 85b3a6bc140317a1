"""The candidate's privacy pages: their requests (a copy of their data, a correction, erasure, no AI
processing) made and followed in the signed-in portal, their copy downloaded from there, and the
page their e-mailed link to the copy opens without signing in.

A copy is downloaded as a file (`Content-Disposition: attachment`): the readable document is a
page of its own, meant to be kept, which opens from the candidate's disk.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hrsuite.errors import ApplicationError, NotFound, ValidationFailed
from hrsuite.formatting import format_time, zone_or_utc
from hrsuite.links import LinkClosed
from hrsuite.pages import field_errors
from portal.views.account import candidate_page
from portal.views.interviews import link_problem_page, portal_page, referrer_origin_only
from privacy import selectors
from privacy.models import AccessBundle, PrivacyRequest
from privacy.services import access
from privacy.services import requests as services

_STATE_BADGES = {"received": "warn", "in_progress": "", "done": "ok", "refused": "neutral"}


@candidate_page
@require_http_methods(["GET", "POST"])
def privacy(request):
    """GET: the candidate's requests and the form to make one; POST: the request, then GET."""
    errors: dict = {}
    values = {"kind": "", "text": ""}
    status = 200
    if request.method == "POST":
        values = {"kind": request.POST.get("kind", ""), "text": request.POST.get("text", "")}
        try:
            made = services.privacy_request_submit(
                actor=request.user, kind=values["kind"], text=values["text"]
            )
        except ValidationFailed as error:
            errors, status = field_errors(error), error.status_code
        except ApplicationError as error:  # an account linked to no candidate record
            errors, status = {"__all__": [error.message]}, error.status_code
        else:
            zone = timezone.get_current_timezone()
            messages.success(
                request,
                gettext("Your request is received. We answer it by %(deadline)s.")
                % {"deadline": format_time(made.deadline, zone=zone, language=translation.get_language())},
            )
            return redirect("portal-privacy")
    return _privacy_page(request, errors=errors, values=values, status=status)


def _privacy_page(request, *, errors=None, values=None, problem: str = "", status: int = 200):
    zone, language = timezone.get_current_timezone(), translation.get_language()
    now = timezone.now()
    rows = []
    for row in selectors.own_privacy_requests(user=request.user, page="portal-privacy"):
        copy = getattr(row, "access_bundle", None)
        available = (
            copy is not None
            and copy.status == AccessBundle.Status.READY
            and copy.expires_at is not None
            and copy.expires_at > now
        )
        rows.append(
            {
                "request": row,
                "badge": _STATE_BADGES.get(row.state, ""),
                "received": format_time(row.received_at, zone=zone, language=language),
                "deadline": format_time(row.deadline, zone=zone, language=language),
                "open": row.state in PrivacyRequest.OPEN_STATES,
                "bundle": copy if row.kind == PrivacyRequest.Kind.ACCESS else None,
                "available": available,
                "available_until": (
                    format_time(copy.expires_at, zone=zone, language=language) if available else ""
                ),
            }
        )
    context = {
        "rows": rows,
        "kinds": PrivacyRequest.Kind.choices,
        "errors": errors or {},
        "values": values or {"kind": "", "text": ""},
        "problem": problem or (errors or {}).get("__all__", [""])[0],
        "text_max": services.TEXT_MAX,
    }
    return render(request, "candidate_portal/privacy.html", context, status=status)


def _download(download: access.Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    # Both views are `never_cache`: no cache between the candidate and us keeps their file.
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@candidate_page
@require_GET
def privacy_copy(request, bundle_id):
    """The signed-in candidate's copy, as a file: `?as=json` for the data, else the readable page.
    Another's, or none, is a 404; one past its time a 410 on the privacy page."""
    try:
        download = access.access_copy_download(
            bundle_id=bundle_id, actor=request.user, as_=request.GET.get("as", "html"), via="portal"
        )
    except NotFound:
        raise Http404 from None
    except LinkClosed as error:
        return _privacy_page(request, problem=error.message, status=410)
    return _download(download)


@never_cache
@require_GET
def access_copy_page(request, token: str):
    """The page the e-mailed link opens: the copy's two downloads while it lasts (`?as=html` or
    `?as=json` downloads it); 404 for a link that is not one, 410 once expired."""
    try:
        bundle = access.copy_link_open(token=token)
    except LinkClosed as error:
        return link_problem_page(request, error, link="access-copy", language=error.language)
    except NotFound as error:
        return link_problem_page(request, error, link="access-copy")
    candidate = bundle.candidate
    language = candidate.preferred_language
    wanted = request.GET.get("as")
    if wanted:
        try:
            download = access.access_copy_download(
                bundle_id=bundle.pk, actor=access.copy_link_actor(bundle), as_=wanted, via="link"
            )
        except ApplicationError as error:  # no such format (404), or expired meanwhile (410)
            return link_problem_page(request, error, link="access-copy", language=language)
        return referrer_origin_only(_download(download))
    zone = zone_or_utc(candidate.time_zone)
    context = {
        "candidate": candidate,
        "available_until": format_time(bundle.expires_at, zone=zone, language=language),
    }
    return portal_page(request, "portal/access_copy.html", context, language=language)
