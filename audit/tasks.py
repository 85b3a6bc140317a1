"""Periodic work on the audit chain: linking what is pending, and the check that logs tampering
as an error for monitoring to pick up."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def audit_verify_chain() -> dict:
    from audit.services import audit_verify

    checked, broken = audit_verify()
    if broken:
        logger.error("Audit chain broken at event #%s: %s", broken.seq, broken.reason)
    return {"checked": checked, "broken_at": broken.seq if broken else None}


@shared_task
def audit_chain_pending() -> int:
    """The backstop for events whose writer died between its commit and chaining them."""
    from audit.services import audit_chain_pending

    return audit_chain_pending(wait=True)
