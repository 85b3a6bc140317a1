"""The simulated background-check provider, for the demo and the tests.

Its webhooks are JSON objects signed with `hrsuite.signing` under the secret
"check_simulated":

    {"event_id": "evt_...", "type": "started|passed|failed|inconclusive",
     "check_id": "simchk-<check id>", "occurred_at": "2026-05-04T09:00:00+00:00",
     "data": {"findings": {...}}}
"""

from django.conf import settings
from django.urls import reverse

from hrsuite import signing
from onboarding.providers import CheckEvent, CheckProvider, CheckUnavailable, register

EVENT_TYPES = ("started", "passed", "failed", "inconclusive")


class SimulatedCheckProvider(CheckProvider):
    name = "simulated"

    def request_check(self, check) -> str:
        return f"simchk-{check.pk}"

    def parse_webhook(self, *, headers, body: bytes) -> CheckEvent:
        # The signature first: nothing of an unsigned body is read.
        signing.verify(self.secret_name, headers=headers, body=body)
        return parse_event(body)

    def erase_check(self, *, check_id: str) -> None:
        """A signed POST of the check's id to the vendor's erase call; anything but a 2xx answer,
        in time, is CheckUnavailable."""
        try:
            signing.signed_call(
                erase_url(),
                signer=self.secret_name,
                document={"check_id": check_id},
                timeout=settings.HRSUITE_PROVIDER_TIMEOUT,
                what=f"Simulated check provider: erasing {check_id}",
            )
        except signing.CallFailed as failed:
            raise CheckUnavailable(str(failed)) from None


def erase_url() -> str:
    """The vendor's erase call: HRSUITE_SIMULATED_CHECK_API's, or hrsuite's own simulated one."""
    base = settings.HRSUITE_SIMULATED_CHECK_API.rstrip("/")
    if base:
        return base + "/checks/erase/"
    return settings.HRSUITE_PUBLIC_URL.rstrip("/") + reverse("simulated-checks-erase")


def parse_event(body: bytes) -> CheckEvent:
    """A signed body in hrsuite's terms; every missing or malformed field is named."""
    fields = signing.parse_document(body, subject="check_id", event_types=EVENT_TYPES)
    return CheckEvent(check_id=fields.pop("subject"), **fields)


def event_body(*, check_id: str, event_type: str, **kwargs) -> bytes:
    """The bytes of one simulated webhook; sign them with `signing.signed_headers("check_simulated", ...)`."""
    return signing.document_body(subject="check_id", subject_id=check_id, event_type=event_type, **kwargs)


register(SimulatedCheckProvider())
