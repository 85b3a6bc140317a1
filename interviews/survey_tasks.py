"""Celery tasks of the candidate survey: thin, safe to run twice (docs/architecture.md,
"Candidate survey")."""

from celery import shared_task

from interviews.services import survey, survey_results


@shared_task(ignore_result=True)
def survey_invitations_send() -> int:
    return survey.survey_invitations_send()


@shared_task(ignore_result=True)
def survey_results_refresh() -> int:
    return survey_results.survey_results_refresh()
