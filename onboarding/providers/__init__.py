"""Background-check providers: the adapter interface and the registry.

Like the interview providers (`interviews.providers`): an adapter requests the check from the
vendor and verifies and parses the vendor's webhooks. The `simulated` provider works end to end
locally, so the demo and the tests need no vendor. Webhooks are signed with the interview
providers' scheme (`hrsuite.signing`), but with a secret of their own: the one named
"check_<provider>" in HRSUITE_WEBHOOK_SECRETS, so a delivery signed for one kind of endpoint is
never accepted by the other.
"""

from dataclasses import dataclass, field
from datetime import datetime

# The same refusals as the interview webhooks: 400 malformed, 403 unsigned, badly signed or stale.
from hrsuite.signing import WebhookRejected, WebhookSignatureInvalid

__all__ = [
    "CheckEvent",
    "CheckProvider",
    "CheckUnavailable",
    "WebhookRejected",
    "WebhookSignatureInvalid",
    "get",
    "register",
]


@dataclass(frozen=True)
class CheckEvent:
    """A verified background-check webhook, in hrsuite's terms."""

    event_id: str
    event_type: str  # started | passed | failed | inconclusive
    check_id: str
    occurred_at: datetime
    data: dict = field(default_factory=dict)


class CheckUnavailable(Exception):
    """The vendor did not carry out a call now: the caller tries again later. The message is for
    HR and names no host or address."""


class CheckProvider:
    name = ""

    @property
    def secret_name(self) -> str:
        return f"check_{self.name}"

    def request_check(self, check) -> str:
        """Ask the vendor to run the check; returns the vendor's id for it."""
        raise NotImplementedError

    def parse_webhook(self, *, headers, body: bytes) -> CheckEvent:
        """Verify the signature and parse the body, or raise WebhookRejected."""
        raise NotImplementedError

    def erase_check(self, *, check_id: str) -> None:
        """Have the vendor delete all it keeps of the check (the person's details, the findings).
        Raise CheckUnavailable when that did not happen now; the caller calls again until it did,
        so a second call for the same check must be harmless."""
        raise NotImplementedError


_registry: dict[str, CheckProvider] = {}


def register(provider: CheckProvider) -> CheckProvider:
    _registry[provider.name] = provider
    return provider


def get(name: str) -> CheckProvider:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"No background-check provider named {name!r}.") from None


from onboarding.providers import simulated  # noqa: E402, F401 - registers itself
