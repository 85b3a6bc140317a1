"""The survey after an interview, opened from the candidate's e-mail (the token is the credential)
or from the signed-in portal, which sends the candidate to the same page with a fresh token
(docs/architecture.md, "Candidate survey"). In the candidate's language; answered once."""

from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hrsuite.errors import Conflict, NotFound, ValidationFailed
from hrsuite.formatting import format_time, zone_or_utc
from hrsuite.links import LinkExpired
from hrsuite.pages import visible_or_404
from interviews.services import survey as survey_services
from interviews.survey_models import SURVEY_SCALE, InterviewSurvey
from portal.views.account import candidate_page
from portal.views.interviews import link_problem_page, portal_page

_FIELDS = ("overall", "technical_problems", "fairness", "comment")


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request, token: str):
    """GET: the four questions, or thanks once answered; POST: the answers, then thanks."""
    errors: dict = {}
    given: dict = {}
    status = 200
    if request.method == "POST":
        given = {name: request.POST.get(name, "") for name in _FIELDS}
        try:
            survey_services.survey_answer_by_link(token=token, answers=given)
        except LinkExpired as error:
            return link_problem_page(request, error, link="survey", language=error.language)
        except NotFound as error:
            return link_problem_page(request, error, link="survey")
        except Conflict:
            status = 409  # answered already: the page below thanks them, nothing more is kept
        except ValidationFailed as error:
            errors, status = error.fields, 400
        else:
            return redirect(f"{request.path}?saved=1", permanent=False)
    try:
        survey = survey_services.survey_page_read(token=token)
    except LinkExpired as error:
        return link_problem_page(request, error, link="survey", language=error.language)
    except NotFound as error:
        return link_problem_page(request, error, link="survey")
    interview = survey.interview
    candidate = survey.candidate
    zone = zone_or_utc(interview.candidate_time_zone or candidate.time_zone)
    low, high = SURVEY_SCALE
    with translation.override(survey.language):
        kind = interview.get_kind_display()
    context = {
        "survey": survey,
        "kind": kind,
        "position": interview.application.position.title,
        "starts_at": format_time(interview.starts_at, zone=zone, language=survey.language),
        "scale": list(range(low, high + 1)),
        "given": given,
        "errors": errors,
        "saved": request.GET.get("saved") == "1",
        "again": status == 409,
        "comment_max": survey_services.COMMENT_MAX_CHARS,
    }
    return portal_page(request, "portal/survey.html", context, language=survey.language, status=status)


@candidate_page
def open_survey(request, survey_id):
    """From the signed-in portal's interview list to the survey page, with a fresh token."""
    survey = visible_or_404(InterviewSurvey.objects.all(), user=request.user, pk=survey_id)
    return redirect("portal-survey", survey_services.survey_token(survey=survey))
