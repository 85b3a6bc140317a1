"""The candidate's offer and onboarding pages, reached from their e-mails without signing in.

The token in the address is the credential (see `onboarding.services.candidate_links`); the pages
speak the candidate's language, show times in their zone and answer a link that cannot be used as
the interview pages do (`portal.views.interviews`): unknown 404, answered 409, expired 410.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.shortcuts import redirect
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _  # rendered later, in the page's language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hrsuite import uploads
from hrsuite.errors import InvalidTransition, NotFound, ValidationFailed
from hrsuite.formatting import format_date, format_time, zone_or_utc
from hrsuite.links import LinkClosed, LinkExpired
from onboarding.models import Offer, OnboardingTask
from onboarding.services import candidate_links
from portal.views.interviews import link_problem_page, portal_page


def _salary(offer: Offer) -> str:
    try:
        amount = f"{Decimal(offer.salary):,.2f}"
    except (InvalidOperation, ValueError):
        amount = offer.salary
    return f"{amount} {offer.currency}"


# --- The offer ------------------------------------------------------------------------------------


def _offer_closed(request, error: candidate_links.OfferClosed):
    """The answered, expired or withdrawn offer: what happened, in the candidate's language."""
    offer = error.offer
    language = offer.application.candidate.preferred_language
    context = {
        "candidate": offer.application.candidate,
        "position": offer.position.title,
        "state": error.state,
        "just_now": False,
    }
    return portal_page(
        request, "portal/offer_closed.html", context, language=language, status=error.status_code
    )


@never_cache
@require_http_methods(["GET", "POST"])
def offer_page(request, token: str):
    """GET: the offer's terms and the two answers; POST: the answer, then what follows from it."""
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        if answer in ("accept", "decline"):
            try:
                offer = candidate_links.offer_answer_by_link(token=token, accept=answer == "accept")
            except LinkExpired as error:
                return link_problem_page(request, error, link="offer", language=error.language)
            except NotFound as error:
                return link_problem_page(request, error, link="offer")
            except candidate_links.OfferClosed as error:
                return _offer_closed(request, error)
            except InvalidTransition:
                # Answered or expired between the read and the lock: the page below says which.
                pass
            else:
                return _answered(request, offer)
    try:
        offer = candidate_links.offer_page_read(token=token)
    except LinkExpired as error:
        return link_problem_page(request, error, link="offer", language=error.language)
    except NotFound as error:
        return link_problem_page(request, error, link="offer")
    except candidate_links.OfferClosed as error:
        return _offer_closed(request, error)
    candidate = offer.application.candidate
    language = candidate.preferred_language
    context = {
        "candidate": candidate,
        "offer": offer,
        "position": offer.position.title,
        "salary": _salary(offer),
        "start_date": format_date(offer.start_date, language=language),
        "location": offer.location,
        "answer_by": format_time(offer.expires_at, zone=zone_or_utc(candidate.time_zone), language=language),
        "error": request.method == "POST",
    }
    return portal_page(
        request, "portal/offer.html", context, language=language, status=400 if context["error"] else 200
    )


def _answered(request, offer: Offer):
    candidate = offer.application.candidate
    plan = getattr(offer, "onboarding_plan", None) if offer.status == Offer.Status.ACCEPTED else None
    context = {
        "candidate": candidate,
        "position": offer.position.title,
        "state": offer.status,
        "just_now": True,
        "onboarding_url": candidate_links.onboarding_url(plan=plan) if plan is not None else "",
    }
    return portal_page(request, "portal/offer_closed.html", context, language=candidate.preferred_language)


# --- Onboarding -----------------------------------------------------------------------------------


# What the page says for each refusal's code (the service's English messages are for the log and
# the API); anything else is a file of the wrong type.
_UPLOAD_MESSAGES = {
    "upload_empty": _("The file is empty. Please choose the file again."),
    "wrong_task_kind": _("This task cannot be completed that way."),
}


def _too_large() -> str:
    mb = settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES // (1024 * 1024)
    return gettext("The file is too large: at most %(mb)s MB.") % {"mb": mb}


# Formatted when the page renders, in the page's language (not the request's).
_too_large_lazy = lazy(_too_large, str)


def _upload_error(error: ValidationFailed) -> str:
    if error.code == "upload_too_large":
        return _too_large_lazy()
    return _UPLOAD_MESSAGES.get(error.code, _("Please upload a PDF, PNG or JPEG file."))


@never_cache
@require_http_methods(["GET", "POST"])
def onboarding_page(request, token: str):
    """GET: the new hire's tasks with their due times; POST: one upload or confirmation, then GET."""
    error_message, status = "", 200
    if request.method == "POST":
        task_id = request.POST.get("task", "")
        try:
            if request.POST.get("action") == "confirm":
                candidate_links.task_confirm_by_link(token=token, task_id=task_id)
            else:
                upload = request.FILES.get("file")
                uploads.refuse_oversize(request)
                if upload is None:
                    raise ValidationFailed(
                        "No file.", fields={"file": ["The file is empty."]}, code="upload_empty"
                    )
                limit = settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES
                candidate_links.task_document_upload_by_link(
                    token=token,
                    task_id=task_id,
                    filename=upload.name,
                    content_type=upload.content_type or "",
                    # One byte more than allowed is enough to refuse it.
                    content=upload.read(limit + 1),
                )
        except LinkClosed as error:  # expired, or the plan cancelled
            return link_problem_page(request, error, link="onboarding", language=error.language)
        except NotFound as error:
            return link_problem_page(request, error, link="onboarding")
        except InvalidTransition:
            error_message, status = _("This task is already done."), 409
        except ValidationFailed as error:
            error_message, status = _upload_error(error), 400
        else:
            return redirect(f"{request.path}?done=1", permanent=False)
    try:
        page = candidate_links.onboarding_page_read(token=token)
    except LinkClosed as error:  # expired, or the plan cancelled
        return link_problem_page(request, error, link="onboarding", language=error.language)
    except NotFound as error:
        return link_problem_page(request, error, link="onboarding")
    plan = page.plan
    candidate = plan.application.candidate
    language = candidate.preferred_language
    zone = zone_or_utc(candidate.time_zone)
    context = {
        "candidate": candidate,
        "position": plan.application.position.title,
        "start_date": format_date(plan.start_date, language=language),
        "tasks": [
            {
                "id": str(task.pk),
                "title": task.title,
                "kind": task.kind,
                "open": task.status == OnboardingTask.Status.OPEN,
                "due": format_time(task.due_at, zone=zone, language=language),
            }
            for task in page.tasks
        ],
        "max_mb": settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES // (1024 * 1024),
        "done": request.method == "GET" and request.GET.get("done") == "1",
        "error": error_message,
    }
    context["all_done"] = not any(task["open"] for task in context["tasks"])
    return portal_page(request, "portal/onboarding.html", context, language=language, status=status)
