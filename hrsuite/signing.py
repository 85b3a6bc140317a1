"""The webhook signature scheme: HMAC-SHA256 over "<timestamp>." + raw body, with a time window.

Providers that sign like this (the simulated one; vendors whose scheme matches) share these helpers;
the command that fires simulated webhooks signs with the same function the endpoint verifies with.
"""

import base64
import binascii
import hashlib
import hmac
import http.client
import json
import logging
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ParseError

from hrsuite import outbound
from hrsuite.errors import ApplicationError, ValidationFailed
from hrsuite.parsers import read_json

logger = logging.getLogger(__name__)


class WebhookRejected(ApplicationError):
    """Malformed (not JSON, fields missing): answered 400 and nothing is stored."""

    status_code = 400
    code = "invalid_webhook"


class WebhookSignatureInvalid(WebhookRejected):
    """Unsigned, badly signed or stale: answered 403 and nothing is stored."""

    status_code = 403
    code = "invalid_signature"


TIMESTAMP_HEADER = "X-Hrsuite-Timestamp"
SIGNATURE_HEADER = "X-Hrsuite-Signature"
# Older or newer than this (seconds) and a delivery is refused, so a captured one cannot be replayed
# later; the unique event id refuses replays inside the window.
TOLERANCE_SECONDS = 300
TIMESTAMP_FORMAT = re.compile(r"[0-9]{1,11}")


def secret_for(provider: str) -> bytes:
    """The provider's shared secret from HRSUITE_WEBHOOK_SECRETS ("provider:base64secret,...")."""
    for entry in settings.HRSUITE_WEBHOOK_SECRETS.split(","):
        name, _, encoded = entry.strip().partition(":")
        if name == provider and encoded:
            try:
                return base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                # An operator's mistake, not the caller's: a server error that names the setting.
                raise ImproperlyConfigured(f"HRSUITE_WEBHOOK_SECRETS: {provider!r} is not base64.") from None
    # A provider without a secret cannot be verified, so none of its webhooks is accepted.
    raise WebhookSignatureInvalid(f"No webhook secret is configured for {provider!r}.")


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(provider: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers a correctly signed delivery of `body` carries."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret_for(provider), stamp, body)}


def verify(provider: str, *, headers, body: bytes) -> None:
    """Raise WebhookSignatureInvalid unless `body` is signed with the provider's secret, recently."""
    stamp = headers.get(TIMESTAMP_HEADER, "")
    offered = headers.get(SIGNATURE_HEADER, "")
    if not stamp or not offered:
        raise WebhookSignatureInvalid(f"Signed webhooks carry {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}.")
    # Plain ASCII digits, no longer than a time in this millennium: int() would also take signs,
    # spaces, underscores and other scripts' digits, and a 400-digit number fits no float.
    if not TIMESTAMP_FORMAT.fullmatch(stamp):
        raise WebhookSignatureInvalid(f"{TIMESTAMP_HEADER} must be Unix seconds.")
    if abs(time.time() - int(stamp)) > TOLERANCE_SECONDS:
        raise WebhookSignatureInvalid(
            f"The webhook timestamp is more than {TOLERANCE_SECONDS} seconds away from now."
        )
    expected = signature(secret_for(provider), stamp, body)
    if not hmac.compare_digest(expected.encode(), offered.strip().lower().encode()):
        raise WebhookSignatureInvalid("The webhook signature does not match.")


# --- The event document ----------------------------------------------------------------------------
# Simulated providers (interviews, background checks) send one JSON shape; `subject` names the key
# of what it is about ("meeting_id", "check_id"):
#     {"event_id": "evt_...", "type": "...", "<subject>": "...", "occurred_at": ISO 8601, "data": {...}}


def parse_document(body: bytes, *, subject: str, event_types: tuple[str, ...]) -> dict:
    """The fields of a signed body; every missing or malformed one is named in WebhookRejected."""
    try:
        document = read_json(body)
    except ParseError as exc:
        raise WebhookRejected(f"The webhook body is not JSON: {exc.detail}") from None
    except ValidationFailed as exc:
        raise WebhookRejected(
            f"Invalid webhook: {', '.join(sorted(exc.fields))}.", fields=exc.fields
        ) from None
    if not isinstance(document, dict):
        raise WebhookRejected("The webhook body must be a JSON object.")
    errors: dict[str, list[str]] = {}
    for name in ("event_id", "type", subject, "occurred_at"):
        value = document.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = ["Required: a non-empty string."]
        elif len(value) > 200:
            errors[name] = ["At most 200 characters."]
    if "type" not in errors and document["type"] not in event_types:
        errors["type"] = [f"Choose one of {list(event_types)}."]
    occurred_at = None
    if "occurred_at" not in errors:
        occurred_at = parse_datetime(document["occurred_at"])
        if occurred_at is None or occurred_at.tzinfo is None:
            errors["occurred_at"] = ["An ISO 8601 time with its zone."]
    data = document.get("data", {})
    if not isinstance(data, dict):
        errors["data"] = ["Must be a JSON object."]
    if errors:
        raise WebhookRejected(f"Invalid webhook: {', '.join(sorted(errors))}.", fields=errors)
    return {
        "event_id": document["event_id"].strip(),
        "event_type": document["type"],
        "subject": document[subject].strip(),
        "occurred_at": occurred_at,
        "data": data,
    }


def document_body(
    *,
    subject: str,
    subject_id: str,
    event_type: str,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
    data: dict | None = None,
) -> bytes:
    """The bytes of one event document (sign them with `signed_headers`)."""
    document = {
        "event_id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        subject: subject_id,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "data": data or {},
    }
    return json.dumps(document, ensure_ascii=False).encode()


@dataclass(frozen=True)
class WebhookOutcome:
    """What a webhook endpoint answers: a duplicate changed nothing; otherwise the object it
    moved (`subject` names its kind: "interview", "background_check") and its new status."""

    duplicate: bool
    event_id: str
    subject: str = ""
    subject_id: str | None = None
    status: str | None = None

    def as_json(self) -> dict:
        body = {"duplicate": self.duplicate, "event_id": self.event_id}
        if not self.duplicate:
            body |= {self.subject: self.subject_id, "status": self.status}
        return body


class CallFailed(Exception):
    """A signed call to a vendor did not go through now; its text is `outbound.failure_reason`'s
    category, safe to show, never the hosts or answers."""


def signed_call(url: str, *, signer: str, document: dict, timeout: float, what: str) -> None:
    """POST `document` as JSON to a vendor's API, signed as `signer`'s webhooks are (so a vendor
    verifies it as we verify theirs). Anything but a 2xx answer in `timeout` seconds is
    CallFailed; the detail goes to the log, naming `what` and the host only."""
    body = json.dumps(document, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", **signed_headers(signer, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(65536)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        logger.warning("%s at %s failed: %r", what, urlsplit(url).netloc, exc)
        raise CallFailed(outbound.failure_reason(exc)) from None
