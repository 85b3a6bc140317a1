"""An audit event's personal values, sealed under the key of the event's candidate.

A reason someone gave (why an interview was cancelled, why a consent was withdrawn) and a
candidate's own address and browser, when they acted themselves, are that candidate's personal
data. An event keeps them apart from its other fields, in `personal`: one JSON document sealed
under the candidate's key (`hrsuite.persons`) and bound to the candidate. The chain covers the
sealed text, so once the candidate is erased the values read as "erased" and the chain verifies
as before (docs/architecture.md, "Audit trail").
"""

import json
import uuid

from hrsuite import crypto, persons

# What an erased candidate's values read as, wherever they are shown.
ERASED = "erased"


def _bound_to(candidate_id) -> bytes:
    return f"audit.auditevent|personal|{uuid.UUID(str(candidate_id))}".encode()


def personal_sealed(values: dict, *, candidate_id) -> str:
    """`values` as an event keeps them: sealed under the candidate's key."""
    person, key = persons.sealing_key(candidate_id)
    document = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return crypto.encrypt_for_person(document, aad=_bound_to(candidate_id), person=person, key=key)


def personal_opened(events) -> dict[int, dict | str]:
    """The personal values of those `events` that have some, by event id: a dict, or ERASED.
    The keys of all their candidates are read in one query."""
    sealed = {event.pk: event.personal for event in events if event.personal}
    for token in sealed.values():
        if (person := crypto.person_of(token)) is not None:
            persons.noted(person)
    return {pk: personal_open(token) for pk, token in sealed.items()}


def personal_open(token: str) -> dict | str:
    """One event's personal values, as its `personal` holds them: a dict, or ERASED."""
    person = crypto.person_of(token)
    if person is None:
        raise crypto.DecryptionError("An audit event's personal values are not sealed for a person.")
    try:
        document = crypto.decrypt(token, aad=_bound_to(person), person_key=persons.data_key)
    except crypto.Erased:
        return ERASED
    return json.loads(document)
