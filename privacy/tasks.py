"""Celery tasks of privacy requests: thin, safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def access_copies_build() -> int:
    """Started by beat every 30 s: builds the copies of candidates' data that access requests are
    waiting for (each once: a copy being built is locked), and empties the expired ones."""
    from privacy.services.access import access_bundles_build

    return access_bundles_build()


@shared_task(ignore_result=True)
def erasure_hand_offs_run() -> int:
    """Started by beat every 30 s: takes the erasures' steps outside this database that are due
    (each once: a claimed step is skipped), retrying the failed ones with back-off."""
    from privacy.services.erasure import erasure_hand_offs_run

    return erasure_hand_offs_run()


@shared_task(ignore_result=True)
def retention_purge() -> str:
    """Started by beat every night: purges what its retention period is over for, and writes the
    run's report."""
    from privacy.services.retention import retention_purge

    return str(retention_purge().pk)
