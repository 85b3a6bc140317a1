"""Technical failures and no-shows: incidents, and the new time (or phone interview) offered."""

from datetime import datetime

from django.db import transaction

from interviews.models import Incident, Interview


@transaction.atomic
def incident_open(
    *, interview: Interview, kind: str, occurred_at: datetime, details: dict, actor
) -> Incident:
    """Record a technical failure or no-show reported by the provider (filled in next)."""
    incident = Incident(
        interview=interview,
        kind=kind,
        occurred_at=occurred_at,
        region=interview.application.position.region,
        provider=interview.provider,
        details=details or {},
    )
    incident.save(force_insert=True)
    return incident
