"""Periodic check of the audit chain: tampering is logged as an error for monitoring to pick up."""

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
