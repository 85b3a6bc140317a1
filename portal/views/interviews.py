"""The candidate's pages reached from their e-mails without signing in: the interview, consent and
reschedule.

The token in the address is the credential (see `interviews.services.candidate_links`); each page
speaks the candidate's language and shows times in their zone. A link that cannot be used answers
a page that says why, with its status: unknown 404, already used 409, expired or closed 410.

The pages say what went wrong in the candidate's language, chosen by the service error's `code`
(`hrsuite.errors`): the English messages are for logs and API readers, and may be reworded.
"""

from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _  # rendered later, in the page's language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hrsuite.errors import ApplicationError, InvalidTransition, NotFound, ValidationFailed
from hrsuite.formatting import format_time, zone_or_utc
from hrsuite.links import LinkExpired, link_actor
from hrsuite.pages import field_errors
from interviews.models import Consent, Interview, RescheduleOffer
from interviews.services import candidate_links
from interviews.services.assignments import SLOT_TAKEN
from interviews.services.consent import SCOPES
from interviews.services.incidents import OfferExpired, OfferUsed, reschedule_offer_choose
from portal.views.accommodation_forms import ask, form_context, posted, rows_shown

_LANGUAGES = {code for code, _name in settings.LANGUAGES}
# What a link that opens nothing is called on its page, by the error's code.
_PROBLEMS = {
    "not_found": "unknown",
    "offer_used": "used",  # a reschedule link through which a time was chosen already
    "expired": "expired",  # a reschedule link's offer
    "link_expired": "expired",
    "plan_cancelled": "cancelled",
}
_STATUSES = {"unknown": 404, "used": 409, "expired": 410, "cancelled": 410}


def portal_page(request, template: str, context: dict, *, language: str, status: int = 200) -> HttpResponse:
    """Render in `language` (else the browser's, as LocaleMiddleware chose it)."""
    language = language if language in _LANGUAGES else translation.get_language()
    with translation.override(language):
        response = render(request, template, {**context, "language": language}, status=status)
    # LocaleMiddleware would name the browser's language, not the one the page is in.
    response["Content-Language"] = language
    referrer_origin_only(response)
    return response


def referrer_origin_only(response: HttpResponse) -> HttpResponse:
    """The page's address carries the candidate's credential: the browser passes on at most the
    site's origin, never the path. (Under the site-wide `same-origin` policy the next request to
    this site would carry the whole address, and the access log records every referrer.) Not
    `no-referrer`: under it a browser sends `Origin: null` with the page's forms, and Django's CSRF
    check refuses them."""
    response["Referrer-Policy"] = "strict-origin"
    return response


def link_problem_page(request, error: ApplicationError, *, link: str, language: str = "") -> HttpResponse:
    problem = _PROBLEMS.get(error.code, "unknown")
    context = {"problem": problem, "link": link}
    return portal_page(
        request, "portal/link_problem.html", context, language=language, status=_STATUSES[problem]
    )


# --- The interview --------------------------------------------------------------------------------

# Interviews whose join link is still of use.
_JOINABLE = (Interview.Status.SCHEDULED, Interview.Status.IN_PROGRESS)


@never_cache
@require_http_methods(["GET", "POST"])
def interview_page(request, token: str):
    """GET: the interview, the tech check, the consent link, the candidate's accommodation
    requests and, while the candidate may still move it, free times; POST: the chosen time, or
    an accommodation request (`form=accommodation`), then back to GET."""
    error_message, status = "", 200
    asking: dict = {}
    if request.method == "POST" and request.POST.get("form") == "accommodation":
        try:
            asking, status = _accommodation_post(request, token)
        except LinkExpired as error:
            return link_problem_page(request, error, link="interview", language=error.language)
        except NotFound as error:
            return link_problem_page(request, error, link="interview")
        if not asking:
            return redirect(f"{request.path}?asked=1", permanent=False)
    elif request.method == "POST":
        try:
            starts_at = datetime.fromisoformat(request.POST.get("slot", ""))
        except ValueError:
            starts_at = None
        try:
            if starts_at is None:
                raise ValidationFailed(
                    "Choose one of the offered times.",
                    fields={"starts_at": ["Required."]},
                    code="slot_not_offered",
                )
            candidate_links.interview_reschedule_by_link(token=token, starts_at=starts_at)
        except LinkExpired as error:
            return link_problem_page(request, error, link="interview", language=error.language)
        except NotFound as error:
            return link_problem_page(request, error, link="interview")
        except (candidate_links.RescheduleRefused, ValidationFailed, InvalidTransition) as error:
            error_message, status = _interview_move_error(error)
        else:
            return redirect(f"{request.path}?moved=1", permanent=False)
    try:
        page = candidate_links.interview_page_read(token=token)
    except LinkExpired as error:
        return link_problem_page(request, error, link="interview", language=error.language)
    except NotFound as error:
        return link_problem_page(request, error, link="interview")
    interview = page.interview
    candidate = interview.application.candidate
    language = candidate.preferred_language
    zone = zone_or_utc(interview.candidate_time_zone or candidate.time_zone)
    video = interview.kind in Interview.VIDEO_KINDS
    context = {
        "candidate": candidate,
        "interview": interview,
        "position": interview.application.position.title,
        "starts_at": format_time(interview.starts_at, zone=zone, language=language),
        "video": video,
        "join_url": interview.join_url if video and interview.status in _JOINABLE else "",
        "practice_url": page.practice_url,
        "consent_url": candidate_links.consent_url(interview=interview),
        "slots": [
            {"value": slot.isoformat(), "label": format_time(slot, zone=zone, language=language)}
            for slot in page.slots
        ],
        "closed": page.closed,
        "reschedules_left": page.reschedules_left,
        "moved": request.method == "GET" and request.GET.get("moved") == "1",
        "error": error_message,
        "accommodations": rows_shown(page.accommodations, zone=zone, language=language),
        "may_ask": interview.status == Interview.Status.SCHEDULED,
        "asked": request.method == "GET" and request.GET.get("asked") == "1",
        **form_context(asking.get("values"), asking.get("errors")),
    }
    return portal_page(request, "portal/interview.html", context, language=language, status=status)


def _accommodation_post(request, token: str) -> tuple[dict, int]:
    """The candidate's accommodation request through their link: ({}, 200) once made, else the
    form's values and errors (in the candidate's language) with the status to answer."""
    interview = candidate_links.interview_link_open(token=token)
    candidate = interview.application.candidate
    values = posted(request.POST)
    with translation.override(candidate.preferred_language):
        try:
            ask(values, interview=interview, actor=link_actor(candidate.pk, link="interview"))
        except ValidationFailed as error:
            return {"values": values, "errors": field_errors(error)}, error.status_code
    return {}, 200


def _interview_move_error(error: ApplicationError) -> tuple[str, int]:
    if error.code == candidate_links.RescheduleRefused.code:
        # The page below says why, from the same rule.
        return _("Your interview cannot be moved here any more."), 409
    # slot_taken (409), a time never offered (400), or the interview changed meanwhile (409).
    return _("That time is no longer free. Please choose another one."), error.status_code


# --- Consent --------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def consent_page(request, token: str):
    """GET: the current notice and the two choices; POST: the decisions, then back to GET."""
    errors: list[str] = []
    chosen: dict[str, str] = {}
    if request.method == "POST":
        chosen = {scope: request.POST[scope] for scope in SCOPES if request.POST.get(scope)}
        try:
            candidate_links.consent_decide_by_link(
                token=token, decisions=chosen, notice_version=request.POST.get("notice_version", "")
            )
        except LinkExpired as error:
            return link_problem_page(request, error, link="consent", language=error.language)
        except NotFound as error:
            return link_problem_page(request, error, link="consent")
        except (ValidationFailed, InvalidTransition) as error:
            errors = _consent_errors(error)
        else:
            return redirect(f"{request.path}?saved=1", permanent=False)
    try:
        interview, notice, state = candidate_links.consent_page_read(token=token)
    except LinkExpired as error:
        return link_problem_page(request, error, link="consent", language=error.language)
    except NotFound as error:
        return link_problem_page(request, error, link="consent")
    candidate = interview.application.candidate
    language = candidate.preferred_language
    zone = zone_or_utc(interview.candidate_time_zone or candidate.time_zone)
    labels = dict(Consent.Decision.choices)
    context = {
        "candidate": candidate,
        "interview": interview,
        "position": interview.application.position.title,
        "starts_at": format_time(interview.starts_at, zone=zone, language=language),
        "notice": notice,
        "scopes": [
            {
                "name": scope,
                "state": state[scope],
                "state_label": labels.get(state[scope], ""),
                "chosen": chosen.get(scope, ""),
                "can_withdraw": state[scope] == Consent.Decision.GIVEN,
            }
            for scope in SCOPES
        ],
        "saved": request.method == "GET" and request.GET.get("saved") == "1",
        "errors": errors,
    }
    return portal_page(
        request, "portal/consent.html", context, language=language, status=400 if errors else 200
    )


# What the consent page says, by the error's code.
_CONSENT_MESSAGES = {
    "invalid_transition": _("Only consent you have given can be withdrawn."),
    "notice_changed": _(
        "The notice has changed since you opened this page. Please read it again and choose."
    ),
    "answer_required": _("Please choose an answer for at least one of the two consents."),
}


def _consent_errors(error: ApplicationError) -> list[str]:
    """Say in the page's language what to do; the service's messages are for the log and the API."""
    return [_CONSENT_MESSAGES.get(error.code, _("Please choose one of the answers offered."))]


# --- Reschedule -----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def reschedule_page(request, token: str):
    """GET: the offered times in the candidate's zone; POST: the chosen one, then its confirmation."""
    error_message, status = "", 200
    if request.method == "POST":
        try:
            slot = datetime.fromisoformat(request.POST.get("slot", ""))
        except ValueError:
            slot = None
        try:
            if slot is None:
                raise ValidationFailed("Choose one of the offered times.", fields={"slot": ["Required."]})
            interview = reschedule_offer_choose(
                token=token,
                slot=slot,
                ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except (NotFound, OfferUsed, OfferExpired) as error:
            language = candidate_links.reschedule_link_language(token=token)
            return link_problem_page(request, error, link="reschedule", language=language)
        except ValidationFailed as error:
            # Taken since it was offered: a conflict (409), told without naming anyone.
            status = error.status_code
            error_message = (
                _("That time has just been taken. Please choose another one.")
                if error.code == SLOT_TAKEN
                else _("Please choose one of the times offered.")
            )
        else:
            return _rescheduled(request, interview)
    try:
        offer = candidate_links.reschedule_page_read(token=token)
    except (NotFound, OfferUsed, OfferExpired) as error:
        language = candidate_links.reschedule_link_language(token=token)
        return link_problem_page(request, error, link="reschedule", language=language)
    interview = offer.interview
    candidate = interview.application.candidate
    language = candidate.preferred_language
    zone = zone_or_utc(interview.candidate_time_zone or candidate.time_zone)
    context = {
        "candidate": candidate,
        "position": interview.application.position.title,
        "phone": offer.kind == RescheduleOffer.Kind.PHONE,
        "slots": [
            {"value": slot, "label": format_time(datetime.fromisoformat(slot), zone=zone, language=language)}
            for slot in offer.slots
        ],
        "expires_at": format_time(offer.expires_at, zone=zone, language=language),
        "error": error_message,
    }
    return portal_page(request, "portal/reschedule.html", context, language=language, status=status)


def _rescheduled(request, interview) -> HttpResponse:
    candidate = interview.application.candidate
    language = candidate.preferred_language
    zone = zone_or_utc(interview.candidate_time_zone or candidate.time_zone)
    context = {
        "candidate": candidate,
        "interview": interview,
        "position": interview.application.position.title,
        "starts_at": format_time(interview.starts_at, zone=zone, language=language),
    }
    return portal_page(request, "portal/rescheduled.html", context, language=language)
