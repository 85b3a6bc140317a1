"""The Celery app, configured from Django settings (CELERY_ namespace)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("hrsuite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _every(seconds: float, task: str) -> dict:
    """`task` every `seconds`. A run not started by the next tick expires, so ticks queued while no
    worker ran do not pile up."""
    return {"task": task, "schedule": seconds, "options": {"expires": seconds}}


OUTBOX_DISPATCH_PERIOD = 20.0

# The one place that lists periodic work.
app.conf.beat_schedule = {
    "audit-verify-chain": {"task": "audit.tasks.audit_verify_chain", "schedule": 3600.0},
    # Links audit events a crashed writer left unchained (docs/architecture.md, "Audit trail").
    "audit-chain-pending": _every(5.0, "audit.tasks.audit_chain_pending"),
    # Recounts the HR dashboard's shared summary row inside its 60 s life, so pages always find it
    # fresh, and the rows views found stale (docs/architecture.md, "HR dashboard"); every
    # backoffice.selectors.dashboard.REFRESH_SECONDS.
    "dashboard-counts-refresh": _every(15.0, "backoffice.tasks.dashboard_counts_refresh"),
    # Sends the notification outbox's due rows (docs/architecture.md, "Notifications"). A tick at
    # most 20 s away is what brings a crashed worker's messages back within the 45 s promise.
    "outbox-dispatch": _every(OUTBOX_DISPATCH_PERIOD, "notifications.tasks.outbox_dispatch"),
    # Sent offers past their answer-by time become expired (answers after it are refused anyway).
    "offers-expire": _every(300.0, "onboarding.tasks.offers_expire"),
    # Hires to OA, finance and training through signed webhooks, retried with back-off.
    "provisioning-dispatch": _every(30.0, "onboarding.tasks.provisioning_dispatch"),
    # With HRSUITE_PROVISION_ON = "start_date": hires whose first day has come are provisioned.
    "plans-provision-due": _every(3600.0, "onboarding.tasks.plans_provision_due"),
    # Builds the copies of candidates' data that their access requests wait for, and deletes
    # expired ones (docs/architecture.md, "Privacy requests").
    "privacy-copies-build": _every(30.0, "privacy.tasks.access_copies_build"),
    # The erasures' steps outside this database: the person's key, the provider's and the
    # provisioning targets' deletion calls, the confirmation (docs/architecture.md, "Erasure").
    "privacy-erasure-hand-offs": _every(30.0, "privacy.tasks.erasure_hand_offs_run"),
    # What its retention period is over for, purged every night at 02:30 UTC, when HR is not at
    # work anywhere it hires (docs/architecture.md, "Retention").
    "privacy-retention-purge": {
        "task": "privacy.tasks.retention_purge",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3600.0},
    },
    # Reads the text of résumé files waiting for it into the candidates' résumés
    # (docs/architecture.md, "Résumé files").
    "resume-texts-extract": _every(5.0, "candidates.tasks.resume_texts_extract"),
    # Computes the validity figures that new ratings asked for, and each department's once a day
    # (docs/architecture.md, "Later performance and validity").
    "validity-refresh": _every(60.0, "analytics.tasks.validity_refresh"),
    # Computes the AI tools' impact ratios asked for, and each tool's once a day
    # (docs/architecture.md, "Fairness").
    "fairness-refresh": _every(60.0, "analytics.tasks.fairness_refresh"),
    # Invites candidates to the survey of each interview that ended, once; and computes its
    # results with the completion rates by region, provider and kind (docs/architecture.md,
    # "Candidate survey").
    "survey-invitations-send": _every(60.0, "interviews.survey_tasks.survey_invitations_send"),
    "survey-results-refresh": _every(300.0, "interviews.survey_tasks.survey_results_refresh"),
    # Folds each large table's row count changes into one row (docs/architecture.md, "Kept row
    # counts").
    "row-tallies-compact": _every(60.0, "hrsuite.tasks.row_tallies_compact"),
}
