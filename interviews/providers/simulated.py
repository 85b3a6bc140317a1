"""The simulated provider: a local join page and signed webhooks, for the demo and the tests.

Its webhooks are JSON objects signed with `hrsuite.signing`:

    {"event_id": "evt_...", "type": "started|technical_issue|no_show|completed",
     "meeting_id": "sim-<interview id>", "occurred_at": "2026-05-04T09:00:00+00:00",
     "data": {"details": {...}, "ended_at": "...", "assessment": {...}}}

`data.details` carries a failure's technical details; `data.assessment` the AI assessment of a
completed AI interview, in the shape `interviews.services.assessments.assessment_ingest` takes.
"""

import hmac
import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hrsuite import signing
from interviews.models import Interview
from interviews.providers import Meeting, Provider, ProviderEvent, ProviderUnavailable, register

logger = logging.getLogger(__name__)

EVENT_TYPES = ("started", "technical_issue", "no_show", "completed")


class SimulatedProvider(Provider):
    name = "simulated"

    def create_meeting(self, interview) -> Meeting:
        meeting_id = f"sim-{interview.pk}"
        base = settings.HRSUITE_PUBLIC_URL.rstrip("/")
        return Meeting(meeting_id=meeting_id, join_url=base + reverse("simulated-join", args=[meeting_id]))

    def practice_url(self) -> str:
        return settings.HRSUITE_PUBLIC_URL.rstrip("/") + reverse("simulated-practice")

    def parse_webhook(self, *, headers, body: bytes) -> ProviderEvent:
        # The signature first: nothing of an unsigned body is read.
        signing.verify(self.name, headers=headers, body=body)
        return parse_event(body)

    def recording_link(self, *, meeting_id: str, expires_at) -> str:
        """The simulated provider's recording page, signed with its secret until `expires_at`."""
        expires = str(int(expires_at.timestamp()))
        query = urlencode({"expires": expires, "signature": recording_signature(meeting_id, expires)})
        path = reverse("simulated-recording", args=[meeting_id])
        return f"{settings.HRSUITE_PUBLIC_URL.rstrip('/')}{path}?{query}"

    def erase_recordings(self, *, meeting_id: str) -> None:
        """A signed POST of the meeting's id to the provider's erase call, as a vendor's API
        would take it; anything but a 2xx answer, in time, is ProviderUnavailable."""
        try:
            signing.signed_call(
                erase_url(),
                signer=self.name,
                document={"meeting_id": meeting_id},
                timeout=settings.HRSUITE_PROVIDER_TIMEOUT,
                what=f"Simulated provider: erasing {meeting_id}",
            )
        except signing.CallFailed as failed:
            raise ProviderUnavailable(str(failed)) from None


def recording_signature(meeting_id: str, expires: str) -> str:
    return signing.signature(
        signing.secret_for(SimulatedProvider.name), expires, f"recording|{meeting_id}".encode()
    )


def recording_link_valid(meeting_id: str, *, expires: str, signature: str) -> bool:
    """Whether a recording link is the provider's own and not expired."""
    if (
        not (expires.isascii() and expires.isdigit())
        or len(expires) > 11
        or int(expires) < timezone.now().timestamp()
    ):
        return False
    # As bytes: a text with other than ASCII in it is refused, not an error.
    return hmac.compare_digest(signature.encode(), recording_signature(meeting_id, expires).encode())


def erase_url() -> str:
    """The provider's erase call: HRSUITE_SIMULATED_PROVIDER_API's, or hrsuite's own simulated one."""
    base = settings.HRSUITE_SIMULATED_PROVIDER_API.rstrip("/")
    if base:
        return base + "/recordings/erase/"
    return settings.HRSUITE_PUBLIC_URL.rstrip("/") + reverse("simulated-recordings-erase")


def parse_event(body: bytes) -> ProviderEvent:
    """A signed body in hrsuite's terms; every missing or malformed field is named."""
    fields = signing.parse_document(body, subject="meeting_id", event_types=EVENT_TYPES)
    return ProviderEvent(meeting_id=fields.pop("subject"), **fields)


def event_body(*, meeting_id: str, event_type: str, **kwargs) -> bytes:
    """The bytes of one simulated webhook (sign them with `signing.signed_headers`)."""
    return signing.document_body(subject="meeting_id", subject_id=meeting_id, event_type=event_type, **kwargs)


def demo_event_data(interview, event_type: str, *, low_confidence: bool = False) -> dict:
    """What the simulated platform reports with each event, as a vendor would."""
    if event_type == "technical_issue":
        return {"details": {"code": "media_timeout", "packet_loss": 0.31, "rtt_ms": 1800, "reconnects": 3}}
    if event_type == "no_show":
        return {"details": {"waited_minutes": 15}}
    if event_type != "completed":
        return {}
    ended = {"ended_at": timezone.now().isoformat()}
    # The platform's AI assesses AI interviews only; people assess the others.
    if interview.kind != Interview.Kind.AI_VIDEO:
        return ended
    return {**ended, "assessment": demo_assessment(interview, low_confidence)}


# Quotes with their place in the recording (seconds): the evidence each dimension score rests on.
_QUOTES = [
    ("I explained the migration plan to the finance team before we touched any data.", 31.0, 37.5),
    ("We split the work into three releases so each one could be rolled back.", 64.2, 70.8),
    ("When the numbers did not match, I wrote a script to compare both systems nightly.", 112.4, 119.9),
    ("I asked the team what slowed them down and we removed two manual steps.", 158.0, 163.1),
]


def demo_assessment(interview, low_confidence: bool = False) -> dict:
    """A realistic AI assessment: one score per dimension of the position, with confidence and
    quotes. Like some vendors' payloads it also carries facial-expression inferences beside the
    scores; hrsuite keeps none of them (only what the candidate says is scored)."""
    dimensions = sorted(interview.application.position.dimension_weights) or ["communication"]
    confidence = 0.42 if low_confidence else 0.84
    scored = []
    for i, name in enumerate(dimensions):
        quote, start, end = _QUOTES[i % len(_QUOTES)]
        scored.append(
            {
                "dimension": name,
                "score": 72 + 5 * (i % 3),
                "confidence": confidence,
                "evidence": [{"quote": quote, "start_s": start, "end_s": end}],
            }
        )
    return {
        "overall_score": 76,
        "confidence": confidence,
        "transcript_quality": 0.55 if low_confidence else 0.93,
        "model_version": "sim-assess-2026.1",
        "transcript": " ".join(q for q, _, _ in _QUOTES),
        "dimensions": scored,
        "facial_expressions": {"smile_ratio": 0.12, "gaze_away_ratio": 0.3},
        "duration_s": int(timedelta(minutes=interview.duration_minutes).total_seconds()),
    }


register(SimulatedProvider())
