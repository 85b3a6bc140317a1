"""Celery tasks of privacy requests: thin, safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def access_copies_build() -> int:
    """Started by beat every 30 s: builds the copies of candidates' data that access requests are
    waiting for (each once: a copy being built is locked), and empties the expired ones."""
    from privacy.services.access import access_bundles_build

    return access_bundles_build()
