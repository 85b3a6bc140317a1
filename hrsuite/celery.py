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
}
