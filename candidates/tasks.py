"""Celery tasks of the candidates app: thin, take ids (or nothing), safe to run twice."""

from celery import shared_task

# One run stops claiming after this long, inside the task's time limit; the next beat goes on.
RESUME_TEXTS_SECONDS = 60


@shared_task(ignore_result=True)
def resume_texts_extract() -> dict:
    """Started by beat every 5 s: reads the text of the résumé files waiting for it. Several at once
    share the work: each file is claimed by exactly one of them."""
    from candidates.services.resume_files import resume_texts_extract as extract

    return vars(extract(seconds=RESUME_TEXTS_SECONDS))
