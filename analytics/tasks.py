"""Celery tasks of analytics: keeping the validity figures computed."""

from celery import shared_task

from analytics.services.validity import validity_refresh as refresh


@shared_task
def validity_refresh() -> list[str]:
    """Computes the departments whose figures new ratings asked for, never computed, or older than
    HRSUITE_VALIDITY_REFRESH_HOURS (docs/architecture.md, "Later performance and validity")."""
    return refresh()
