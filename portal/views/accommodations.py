"""The candidate's accommodation requests for an interview (docs/architecture.md,
"Accommodations"): asked for and followed in the signed-in portal, or on the interview link's page
(`portal.views.interviews.interview_page`), both through the same service."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from hrsuite.errors import ApplicationError, ValidationFailed
from hrsuite.formatting import format_time
from hrsuite.pages import field_errors, visible_or_404
from interviews.models import Interview
from interviews.selectors import interview_accommodations_for
from portal.views.accommodation_forms import ask, form_context, posted, rows_shown
from portal.views.account import candidate_page


@candidate_page
@require_http_methods(["GET", "POST"])
def accommodations(request, interview_id):
    """GET: the interview's requests and the form to ask; POST: the request, then GET."""
    queryset = Interview.objects.select_related("application__candidate", "application__position")
    interview = visible_or_404(queryset, user=request.user, pk=interview_id)
    zone, language = timezone.get_current_timezone(), translation.get_language()
    values, errors, status = None, None, 200
    if request.method == "POST":
        values = posted(request.POST)
        try:
            made = ask(values, interview=interview, actor=request.user)
        except ValidationFailed as error:
            errors, status = field_errors(error), error.status_code
        except ApplicationError as error:
            errors, status = {"__all__": [error.message]}, error.status_code
        else:
            messages.success(
                request,
                gettext("Your request is received. We answer it by %(deadline)s.")
                % {"deadline": format_time(made.answer_by, zone=zone, language=language)},
            )
            return redirect("portal-accommodations", interview.pk)
    rows = interview_accommodations_for(user=request.user, interview=interview, page="portal-accommodations")
    context = {
        "interview": interview,
        "position": interview.application.position.title,
        "starts_at": format_time(interview.starts_at, zone=zone, language=language),
        "rows": rows_shown(rows, zone=zone, language=language),
        "may_ask": interview.status == Interview.Status.SCHEDULED,
        **form_context(values, errors),
    }
    return render(request, "candidate_portal/accommodations.html", context, status=status)
