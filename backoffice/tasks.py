"""Celery tasks of HR's pages: keeping the dashboard's shared counts warm."""

from celery import shared_task
from django.conf import settings

from backoffice.selectors.dashboard import shared_counts_refresh


@shared_task
def dashboard_counts_refresh() -> bool:
    """Recounts the dashboard's shared summary before it expires, so no page pays for it.

    Only a cache the worker shares with the web processes (Redis, in production) helps: with the
    embedded default's per-process memory cache the page counts for itself, and this does nothing.
    """
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return False
    return shared_counts_refresh()


# The name this task had before HR's pages moved into `backoffice`: a deployment upgraded with runs
# still queued under it finishes them. Remove in the release after next.
@shared_task(name="hrsuite.tasks.dashboard_counts_refresh")
def dashboard_counts_refresh_queued_before_move() -> bool:
    return dashboard_counts_refresh()
