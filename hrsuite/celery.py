"""The Celery app, configured from Django settings (CELERY_ namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrsuite.settings.local")

app = Celery("hrsuite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The one place that lists periodic work.
app.conf.beat_schedule = {
    "audit-verify-chain": {"task": "audit.tasks.audit_verify_chain", "schedule": 3600.0},
    # Recounts the HR dashboard's shared summary inside its 60 s life, so pages always find it.
    "dashboard-counts-refresh": {
        "task": "hrsuite.tasks.dashboard_counts_refresh",
        "schedule": 45.0,
        "options": {"expires": 45},
    },
    # Sends the notification outbox's due rows (DESIGN.md §5 "scheduled messages").
    # Expires unstarted, so ticks queued while no worker ran do not pile up.
    "outbox-dispatch": {
        "task": "interviews.tasks.outbox_dispatch",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # Sent offers past their answer-by time become expired (answers after it are refused anyway).
    "offers-expire": {
        "task": "onboarding.tasks.offers_expire",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Hires to OA, finance and training through signed webhooks, retried with back-off.
    "provisioning-dispatch": {
        "task": "onboarding.tasks.provisioning_dispatch",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # With HRSUITE_PROVISION_ON = "start_date": hires whose first day has come are provisioned.
    "plans-provision-due": {
        "task": "onboarding.tasks.plans_provision_due",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
}
