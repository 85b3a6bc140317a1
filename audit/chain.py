"""The HMAC chain over audit events: each link covers the event and the link before it."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_ids",
    "candidate_id",
    "changed_fields",
    "detail",
    "personal",
    "request_id",
    "ip",
    "user_agent",
)
# What an event carries before the chainer gives it a place: all of the above but its seq.
SEALED_FIELDS = tuple(name for name in CHAINED_FIELDS if name != "seq")


def link(prev_hash: str, event) -> str:
    return _mac(prev_hash.encode() + b"|" + _payload(event, CHAINED_FIELDS))


def seal(event) -> str:
    """The MAC an event is written with, before it has a place in the chain: the chainer links
    only sealed events, so a row planted in the table without the key is never chained."""
    return _mac(b"unchained|" + _payload(event, SEALED_FIELDS))


def _payload(event, names) -> bytes:
    payload = {name: getattr(event, name) for name in names}
    payload["at"] = event.at.isoformat()
    payload["candidate_id"] = str(event.candidate_id) if event.candidate_id else None
    if "personal" in payload and not payload["personal"]:
        # Events without personal values keep the payload they were linked with before there
        # was such a field.
        del payload["personal"]
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def _mac(message: bytes) -> str:
    key = base64.b64decode(settings.HRSUITE_AUDIT_KEY)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(events, *, head_seq: int, head_hash: str) -> tuple[int, Break | None]:
    """Walk events in `seq` order; return how many were checked and the first broken link."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for event in events:
        if event.seq != expected_seq:
            return checked, Break(expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return checked, Break(event.seq, "its link to the previous event does not match")
        if not hmac.compare_digest(event.hash, link(event.prev_hash, event)):
            return checked, Break(event.seq, "its contents do not match its hash")
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if checked != head_seq or expected_prev != head_hash:
        return checked, Break(checked + 1, f"the chain ends at #{checked} but its head says #{head_seq}")
    return checked, None
