"""Provider webhooks: each verified event applied once, through the interview's transition table.

A delivery is verified by its provider adapter (signature, time window, shape), then applied in one
transaction: the WebhookEvent row that makes it happen once, the status change (compare-and-set),
its audit event, and what follows (incident, assessment, end of interview, messages to recruiters).
Anything refused rolls all of it back, the WebhookEvent row included, so the provider may retry.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hrsuite.errors import NotFound
from hrsuite.signing import WebhookOutcome, WebhookRejected
from hrsuite.workflow import record_once
from interviews import providers
from interviews.models import Interview, WebhookEvent
from interviews.providers import ProviderEvent
from interviews.services.assessments import assessment_ingest
from interviews.services.feedback import interview_ended
from interviews.services.incidents import incident_open
from interviews.services.scheduling import interview_transition

InterviewStatus = Interview.Status


def webhook_receive(*, provider_name: str, headers, body: bytes) -> WebhookOutcome:
    """Verify a delivery with its provider's adapter, then apply it once."""
    try:
        provider = providers.get(provider_name)
    except LookupError as exc:
        raise NotFound(str(exc)) from None
    event = provider.parse_webhook(headers=headers, body=body)
    return webhook_apply(provider_name=provider.name, event=event)


@transaction.atomic
def webhook_apply(*, provider_name: str, event: ProviderEvent) -> WebhookOutcome:
    actor = f"provider:{provider_name}"
    now = timezone.now()
    record = WebhookEvent(
        provider=provider_name, event_id=event.event_id, event_type=event.event_type, received_at=now
    )
    if not record_once(record):
        return WebhookOutcome(duplicate=True, event_id=event.event_id)

    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__position")
        .filter(provider=provider_name, provider_meeting_id=event.meeting_id)
        .first()
    )
    if interview is None:
        raise NotFound(
            f"No interview has meeting {event.meeting_id!r} with provider {provider_name!r}.",
            fields={"meeting_id": ["Unknown meeting."]},
        )
    changes = {"ended_at": _ended_at(event)} if event.event_type == "completed" else {}
    detail = {"provider": provider_name, "event_id": event.event_id}
    interview_transition(
        interview=interview, event=event.event_type, actor=actor, changes=changes, detail=detail
    )
    new_status = interview.status
    record.interview = interview
    record.save(update_fields=["interview", "updated_at"])

    if event.event_type in ("technical_issue", "no_show"):
        details = event.data.get("details", {})
        incident_open(
            interview=interview,
            kind=event.event_type,
            occurred_at=event.occurred_at,
            details=details if isinstance(details, dict) else {"details": details},
            actor=actor,
        )
    elif event.event_type == "completed":
        assessment = event.data.get("assessment")
        if assessment is not None:
            if not isinstance(assessment, dict):
                raise WebhookRejected(
                    "Invalid webhook: data.assessment.",
                    fields={"data.assessment": ["Must be a JSON object."]},
                )
            # Withheld without consent, it is not kept: the trail says it arrived and why not.
            assessment_ingest(interview=interview, payload=assessment, actor=actor, detail=detail)
        interview_ended(interview=interview, ended_at=interview.ended_at, actor=actor)
    return WebhookOutcome(
        duplicate=False,
        event_id=event.event_id,
        subject="interview",
        subject_id=str(interview.pk),
        status=new_status,
    )


def _ended_at(event: ProviderEvent) -> datetime:
    """When a completed interview ended: the provider's `ended_at`, else the event's time."""
    given = event.data.get("ended_at")
    if given is None:
        return event.occurred_at
    ended_at = parse_datetime(given) if isinstance(given, str) else None
    if ended_at is None or ended_at.tzinfo is None:
        raise WebhookRejected(
            "Invalid webhook: data.ended_at.", fields={"data.ended_at": ["An ISO 8601 time with its zone."]}
        )
    return ended_at
