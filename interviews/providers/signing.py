"""The webhook signature scheme: HMAC-SHA256 over "<timestamp>." + raw body, with a time window.

Providers that sign like this (the simulated one; vendors whose scheme matches) share these helpers;
the command that fires simulated webhooks signs with the same function the endpoint verifies with.
"""

import base64
import binascii
import hashlib
import hmac
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from interviews.providers import WebhookSignatureInvalid

TIMESTAMP_HEADER = "X-Hrsuite-Timestamp"
SIGNATURE_HEADER = "X-Hrsuite-Signature"
# Older or newer than this (seconds) and a delivery is refused, so a captured one cannot be replayed
# later; the unique event id refuses replays inside the window.
TOLERANCE_SECONDS = 300


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
    try:
        sent_at = int(stamp)
    except ValueError:
        raise WebhookSignatureInvalid(f"{TIMESTAMP_HEADER} must be Unix seconds.") from None
    if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
        raise WebhookSignatureInvalid(
            f"The webhook timestamp is more than {TOLERANCE_SECONDS} seconds away from now."
        )
    expected = signature(secret_for(provider), stamp, body)
    if not hmac.compare_digest(expected.encode(), offered.strip().lower().encode()):
        raise WebhookSignatureInvalid("The webhook signature does not match.")
