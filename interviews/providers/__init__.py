"""Interview providers (video platforms): the adapter interface and the registry.

An adapter creates the meeting for an interview, verifies and parses the provider's webhooks, and
has the provider delete what it keeps of a meeting when its candidate is erased.
The `simulated` provider works end to end locally, so the demo and the tests need no vendor;
vendor adapters (Tencent Meeting, DingTalk, ...) implement the same interface and register here.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    join_url: str


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook, in hrsuite's terms."""

    event_id: str
    event_type: str  # started | technical_issue | no_show | completed
    meeting_id: str
    occurred_at: datetime
    data: dict = field(default_factory=dict)


class ProviderUnavailable(Exception):
    """The provider did not carry out a call now (unreachable, refused, an error answer): the
    caller tries again later. The message is for HR and names no host or address."""


class Provider:
    name = ""

    def create_meeting(self, interview) -> Meeting:
        raise NotImplementedError

    def practice_url(self) -> str:
        """A page where candidates try camera, microphone and network beforehand, if offered."""
        return ""

    def cancel_meeting(self, interview) -> None:
        """Tell the provider the meeting is off; the default is nothing to do."""

    def parse_webhook(self, *, headers, body: bytes) -> ProviderEvent:
        """Verify the signature and parse the body, or raise WebhookRejected."""
        raise NotImplementedError

    def recording_link(self, *, meeting_id: str, expires_at: datetime) -> str:
        """A link to the meeting's recording and transcript on the provider, which the provider
        honours until `expires_at` and refuses after. Issued for one viewing, never stored."""
        raise NotImplementedError

    def erase_recordings(self, *, meeting_id: str) -> None:
        """Have the provider delete all it keeps of the meeting: recording, transcript, the AI's
        working data. Raise ProviderUnavailable when that did not happen now; the caller calls
        again until it did, so a second call for the same meeting must be harmless."""
        raise NotImplementedError


_registry: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _registry[provider.name] = provider
    return provider


def get(name: str) -> Provider:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"No interview provider named {name!r}.") from None


def names() -> list[str]:
    return sorted(_registry)


from interviews.providers import simulated  # noqa: E402, F401 - registers itself
