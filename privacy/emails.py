"""What the privacy messages say and whether they still hold at send time, as the notification
outbox asks for them."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from hrsuite.formatting import format_time
from notifications import registry
from notifications.models import Notification
from privacy.models import AccessBundle
from privacy.notices import PrivacyMessage
from privacy.services import access


def _bundle(notification: Notification) -> AccessBundle | None:
    return (
        AccessBundle.objects.defer("content_json", "content_html")
        .filter(pk=notification.payload.get("bundle"), candidate_id=notification.candidate_id)
        .first()
    )


def copy_context(notification: Notification, *, zone: ZoneInfo, language: str) -> dict:
    """The link to the copy, signed now, for the candidate: the link is their credential, so it is
    made when the message is rendered and kept nowhere; and until when the copy is there."""
    bundle = _bundle(notification)
    if bundle is None or bundle.expires_at is None:
        return {}
    return {
        "copy_url": access.copy_url(bundle=bundle),
        "available_until": format_time(bundle.expires_at, zone=zone, language=language),
    }


def copy_stale_reason(notification: Notification) -> str:
    """A copy that expired (or never was) is not announced."""
    bundle = _bundle(notification)
    if bundle is None or bundle.status != AccessBundle.Status.READY:
        return "copy_unavailable"
    if bundle.expires_at is None or bundle.expires_at <= timezone.now():
        return "copy_expired"
    return ""


def register() -> None:
    registry.register(
        registry.MessageTemplate(
            name=PrivacyMessage.ACCESS_COPY_READY.value,
            label=PrivacyMessage.ACCESS_COPY_READY.label,
            context=copy_context,
            stale_reason=copy_stale_reason,
        )
    )
