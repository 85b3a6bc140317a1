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

from candidates.models import ApplicationIntake, Position
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
            intake.application_intake(
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
            # The same page whatever happened: it tells no one whether an address is known.
            return redirect("careers-applied", pk=found.pk)
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


@require_GET
def applied(request, pk):
    return render(request, "careers/applied.html", {})
