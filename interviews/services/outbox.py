"""Queueing messages in the notification outbox (DESIGN.md §5 "scheduled messages").

Services call `notification_queue` inside their transaction; the row is the promise that the
message will be sent once, when due. Each template's `payload` says what the message announces,
so the dispatcher can re-check it at send time:

- invitation, reminder: {"starts_at": ISO UTC, "sequence": calendar_sequence}; sent only while
  the interview is still scheduled at that time and sequence;
- cancellation: {"sequence": n}; sent only if the interview is cancelled;
- scorecard_request, scorecard_reminder: {"round": n}; sent only while the recipient's
  scorecard for the interview is not submitted;
- anything else: {} or ids; sent as queued.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from interviews.models import Interview, Notification


def notification_key(template: str, *parts: object) -> str:
    return ":".join([template, *(str(p) for p in parts)])


def notification_queue(
    *,
    template: str,
    key: str,
    due_at: datetime | None = None,
    candidate=None,
    recipient_user=None,
    interview: Interview | None = None,
    payload: dict | None = None,
    language: str | None = None,
) -> Notification:
    """Queue one message, or find the one queued under `key` before (idempotent)."""
    if (candidate is None) == (recipient_user is None):
        raise ValueError("A notification has exactly one recipient: a candidate or a user.")
    if language is None:
        language = (candidate or recipient_user).preferred_language or "en"
    notification = Notification(
        template=template,
        idempotency_key=key,
        due_at=due_at or timezone.now(),
        candidate=candidate,
        recipient_user=recipient_user,
        interview=interview,
        payload=payload or {},
        language=language,
    )
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return Notification.objects.get(idempotency_key=key)
    return notification


def notifications_cancel(*, interview: Interview, templates: list[str]) -> int:
    """Drop the interview's messages of these templates that have not gone out yet."""
    return Notification.objects.filter(
        interview=interview, template__in=templates, status=Notification.Status.PENDING
    ).update(status=Notification.Status.CANCELLED, updated_at=timezone.now())
