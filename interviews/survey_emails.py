"""The survey's invitation in the notification outbox: what it says (a signed link to the survey,
made when it is rendered) and whether it still holds at send time (docs/architecture.md,
"Candidate survey")."""

from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from hrsuite.formatting import format_time
from interviews.emails import candidate_zone
from interviews.services.survey import SURVEY_INVITATION, survey_url
from interviews.survey_models import InterviewSurvey
from notifications import registry


def _survey(notification) -> InterviewSurvey | None:
    return (
        InterviewSurvey.objects.select_related("interview__application__position")
        .filter(pk=notification.payload.get("survey"), candidate_id=notification.candidate_id)
        .first()
    )


def survey_context(notification, *, zone: ZoneInfo, language: str) -> dict:
    survey = _survey(notification)
    if survey is None:
        return {}
    interview = survey.interview
    return {
        "survey_url": survey_url(survey=survey),
        "position": interview.application.position.title_in(language),
        "kind": interview.get_kind_display(),
        "starts_at": format_time(interview.starts_at, zone=zone, language=language),
    }


def survey_stale_reasons(notifications) -> dict:
    """An invitation to a survey answered (through the portal meanwhile) or gone is not sent."""
    wanted = {n.payload.get("survey") for n in notifications}
    open_surveys = {
        str(pk)
        for pk in InterviewSurvey.objects.filter(pk__in=[pk for pk in wanted if pk], answered_at__isnull=True)
        .filter(candidate__erased_at__isnull=True)
        .values_list("pk", flat=True)
    }
    return {
        n.pk: "The survey is answered or closed."
        for n in notifications
        if n.payload.get("survey") not in open_surveys
    }


def register() -> None:
    registry.register(
        registry.MessageTemplate(
            name=SURVEY_INVITATION,
            label=_("How was your interview?"),
            context=survey_context,
            stale_reasons=survey_stale_reasons,
            candidate_zone=candidate_zone,
        )
    )
