"""Celery tasks of the project package: keeping the HR dashboard's shared counts warm."""

from celery import shared_task
from django.conf import settings


@shared_task
def dashboard_counts_refresh() -> bool:
    """Recounts the dashboard's shared summary before it expires, so no page pays for it.

    Only a cache the worker shares with the web processes (Redis, in production) helps: with the
    embedded default's per-process memory cache the page counts for itself, and this does nothing.
    """
    from hrsuite.dashboard.selectors import shared_counts_refresh

    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return False
    return shared_counts_refresh()
