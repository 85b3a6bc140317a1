"""Celery tasks of HR's pages: keeping the dashboard's counts fresh."""

from celery import shared_task

from backoffice.selectors.dashboard import counts_refresh


@shared_task
def dashboard_counts_refresh() -> list[str]:
    """Recounts the dashboard's shared summary row before it is SUMMARY_SECONDS old, and every
    row a view found older, so no page waits for a count; deletes the rows no one has read for a
    day. The rows are in the database, so this serves every deployment, the embedded default
    included."""
    return counts_refresh()


# The name this task had before HR's pages moved into `backoffice`: a deployment upgraded with runs
# still queued under it finishes them. Remove in the release after next.
@shared_task(name="hrsuite.tasks.dashboard_counts_refresh")
def dashboard_counts_refresh_queued_before_move() -> list[str]:
    return dashboard_counts_refresh()
