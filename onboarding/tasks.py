"""Celery tasks of the onboarding steps: thin, take ids (or nothing), safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def offers_expire() -> int:
    """Started by beat: sent offers past their answer-by time become expired."""
    from onboarding.services.offers import offers_expire as expire

    return expire()
