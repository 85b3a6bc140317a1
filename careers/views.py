"""The careers page: open positions in the visitor's language, a page per position with what its
hiring process looks like, and the application form (docs/architecture.md, "Careers page and
intake"). Anyone may open them; they work without JavaScript.

The form is an ordinary Django POST with its CSRF token: the token's cookie is set by the page
that shows the form, so a visitor whose browser keeps no cookies cannot apply, and a forged
submission from another site is refused. Its limits, honeypot and checks are the intake service's.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from analytics.fairness import categories
from analytics.services import self_identification
from candidates.models import Application, ApplicationIntake, Position
from candidates.services import intake
from candidates.services.positions import plan_step_kinds
from candidates.services.resume_files import max_bytes
from careers import selectors
from hrsuite import uploads
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.pages import field_errors
from hrsuite.rate_limits import RateLimited

PAGE_SIZE = 25
# The field people never see (hidden by the page's style and from assistive technology), which
# only a program filling every field fills: an application with it filled is dropped.
HONEYPOT = "website"


@require_GET
def positions(request):
    page = Paginator(selectors.open_positions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "careers/positions.html", {"page": page, "positions": list(page.object_list)})


def _plan_in_words(position: Position) -> list[str]:
    kinds = dict(plan_step_kinds())
    steps = []
    for step in position.interview_plan or []:
        minutes = step.get("duration_minutes")
        kind = kinds.get(step.get("kind"), step.get("kind", ""))
        if minutes:
            steps.append(
                ngettext(
                    "%(kind)s interview, %(minutes)d minute",
                    "%(kind)s interview, %(minutes)d minutes",
                    minutes,
                )
                % {"kind": kind, "minutes": minutes}
            )
        else:
            steps.append(gettext("%(kind)s interview") % {"kind": kind})
    return steps


@never_cache
@require_http_methods(["GET", "POST"])
def position(request, pk):
    found = selectors.open_position(pk)
    if found is None:
        raise Http404
    language = translation.get_language()
    errors: dict = {}
    values = dict.fromkeys(intake.FIELDS, "")
    status = 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in intake.FIELDS if name != "resume"}
        data = {**values, "privacy_notice_version": request.POST.get("privacy_notice_version", "")}
        try:
            uploads.refuse_oversize(request)
            receipt = intake.application_intake(
                position=found,
                data=data,
                upload=request.FILES.get("resume"),
                language=language,
                actor=intake.CAREERS_ACTOR,
                address=request.META.get("REMOTE_ADDR"),
                honeypot=request.POST.get(HONEYPOT, ""),
            )
        except ValidationFailed as error:
            # A too-large file is cut as it streams in, under the form's name for it.
            errors, status = field_errors(error), error.status_code
        except RateLimited as error:
            errors, status = {"__all__": [error.message]}, error.status_code
        else:
            # The same page whatever happened: it tells no one whether an address is known. A
            # signed cookie names the application for the optional self-identification that page
            # asks (docs/architecture.md, "Fairness").
            response = redirect("careers-applied", pk=found.pk)
            self_identification_cookie(request, response, receipt.application_id)
            return response
    try:
        notice = intake.privacy_notice(language)
    except NotFound:
        notice = None
    context = {
        "position": found,
        "plan": _plan_in_words(found),
        "notice": notice,
        "values": values,
        "errors": errors,
        "sources": ApplicationIntake.Source.choices,
        "honeypot": HONEYPOT,
        "max_mb": max_bytes() // (1024 * 1024),
    }
    return render(request, "careers/position.html", context, status=status)


# --- Voluntary self-identification, after the application is stored ------------------------------

_SELF_ID_SALT = "careers.self-identification"
_SELF_ID_COOKIE = "careers_self_id"
# The confirmation page's form is answered within this; later, in the portal.
SELF_ID_SECONDS = 2 * 3600


def self_identification_cookie(request, response, application_id) -> None:
    """A signed cookie naming the stored application (empty where nothing was stored, so the page
    looks the same), for the confirmation page's path only, read by no script."""
    response.set_signed_cookie(
        _SELF_ID_COOKIE,
        str(application_id or ""),
        salt=_SELF_ID_SALT,
        max_age=SELF_ID_SECONDS,
        path="/careers/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _application_of(request, position_pk):
    """(the application the cookie names, whether a genuine cookie came)."""
    application_id = request.get_signed_cookie(
        _SELF_ID_COOKIE, default=None, salt=_SELF_ID_SALT, max_age=SELF_ID_SECONDS
    )
    if application_id is None:
        return None, False
    application = None
    if application_id:
        application = (
            Application.objects.select_related("position")
            .filter(pk=application_id, position_id=position_pk)
            .first()
        )
    return application, True


@never_cache
@require_http_methods(["GET", "POST"])
def applied(request, pk):
    """The confirmation, and under it the optional self-identification in the categories of the
    position's region, always with "prefer not to say". Answered or skipped, the application is
    the same; the answers are kept apart from it (`analytics.services.self_identification`)."""
    found = selectors.open_position(pk)
    errors: dict = {}
    values: dict = {}
    status = 200
    done = False
    if request.method == "POST" and found is not None:
        application, genuine = _application_of(request, found.pk)
        values = {name: request.POST.get(name, "") for name, _choices in categories.questions(found.region)}
        if not genuine:
            errors, status = (
                {"__all__": [gettext("This form has expired. You may answer in the portal.")]},
                400,
            )
        else:
            try:
                self_identification.answers_checked(found.region, values)
                if application is not None:
                    self_identification.self_identification_record(
                        application=application,
                        given=values,
                        channel="careers",
                        actor=self_identification.CAREERS,
                    )
            except ValidationFailed as error:
                errors, status = field_errors(error), error.status_code
            else:
                done = True
    context = {
        "position": found,
        "questions": categories.questions(found.region) if found is not None else [],
        "values": values,
        "errors": errors,
        "done": done,
    }
    response = render(request, "careers/applied.html", context, status=status)
    if done:
        response.delete_cookie(_SELF_ID_COOKIE, path="/careers/")
    return response
