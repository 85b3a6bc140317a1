"""Celery tasks of analytics: keeping the validity and fairness figures computed."""

from celery import shared_task

from analytics.services.fairness import fairness_refresh as compute_fairness
from analytics.services.validity import validity_refresh as refresh


@shared_task
def validity_refresh() -> list[str]:
    """Computes the departments whose figures new ratings asked for, never computed, or older than
    HRSUITE_VALIDITY_REFRESH_HOURS (docs/architecture.md, "Later performance and validity")."""
    return refresh()


@shared_task
def fairness_refresh() -> list[str]:
    """Computes the AI tools' impact ratios that are missing, asked for, or older than
    HRSUITE_FAIRNESS_REFRESH_HOURS (docs/architecture.md, "Fairness")."""
    return compute_fairness()
