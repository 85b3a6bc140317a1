"""The simulated background-check provider, for the demo and the tests.

Its webhooks are JSON objects signed with `interviews.providers.signing` under the secret
"check_simulated":

    {"event_id": "evt_...", "type": "started|passed|failed|inconclusive",
     "check_id": "simchk-<check id>", "occurred_at": "2026-05-04T09:00:00+00:00",
     "data": {"findings": {...}}}
"""

import json
import uuid
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from interviews.providers import signing
from onboarding.providers import CheckEvent, CheckProvider, WebhookRejected, register

EVENT_TYPES = ("started", "passed", "failed", "inconclusive")


class SimulatedCheckProvider(CheckProvider):
    name = "simulated"

    def request_check(self, check) -> str:
        return f"simchk-{check.pk}"

    def parse_webhook(self, *, headers, body: bytes) -> CheckEvent:
        # The signature first: nothing of an unsigned body is read.
        signing.verify(self.secret_name, headers=headers, body=body)
        return parse_event(body)


def parse_event(body: bytes) -> CheckEvent:
    """A signed body in hrsuite's terms; every missing or malformed field is named."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookRejected("The webhook body is not JSON.") from None
    if not isinstance(document, dict):
        raise WebhookRejected("The webhook body must be a JSON object.")
    errors: dict[str, list[str]] = {}
    for name in ("event_id", "type", "check_id", "occurred_at"):
        value = document.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = ["Required: a non-empty string."]
        elif len(value) > 200:
            errors[name] = ["At most 200 characters."]
    if "type" not in errors and document["type"] not in EVENT_TYPES:
        errors["type"] = [f"Choose one of {list(EVENT_TYPES)}."]
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
    return CheckEvent(
        event_id=document["event_id"].strip(),
        event_type=document["type"],
        check_id=document["check_id"].strip(),
        occurred_at=occurred_at,
        data=data,
    )


def event_body(
    *,
    check_id: str,
    event_type: str,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
    data: dict | None = None,
) -> bytes:
    """The bytes of one simulated webhook; sign them with `signing.signed_headers("check_simulated", ...)`."""
    document = {
        "event_id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "check_id": check_id,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "data": data or {},
    }
    return json.dumps(document, ensure_ascii=False).encode()


register(SimulatedCheckProvider())
