import base64
import io
import json
import threading

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from audit import chain, context
from audit.models import AuditAction, AuditChainHead, AuditEvent
from audit.services import audit_list, audit_lists, audit_record, audit_together
from candidates.models import Candidate
from interviews.services.assignments import assignment_create
from interviews.services.scorecards import scorecard_save
from tests.factories import (
    assessment_payload,
    make_application,
    make_candidate,
    make_interview,
    receive_assessment,
)

EMAIL = "chain.secret@example.test"
PHONE = "+86 139 4242 9191"
RESUME = "Résumé: built the Quillmoor payroll engine"


@pytest.fixture
def trail(recruiter, django_capture_on_commit_callbacks):
    """A few services' worth of events: candidates, a position, an application, an interview;
    chained after their commit, which the test's transaction stands in for."""
    with django_capture_on_commit_callbacks(execute=True):
        candidate = make_candidate(recruiter, email=EMAIL, phone=PHONE, resume_text=RESUME)
        make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
        make_candidate(recruiter)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1)) and len(events) >= 5
    return events


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _tamper(sql: str, params=()) -> None:
    """Raw SQL behind the application's back. PostgreSQL's trigger refuses it, so an attacker
    with that power (a superuser, a restored backup) is simulated by disabling the trigger; the
    test's transaction rolls that back."""
    tables = ("audit_auditevent", "audit_auditchainhead") if connection.vendor == "postgresql" else ()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_events_written_by_services_form_an_intact_chain(trail):
    output = _verify()

    assert f"Audit chain intact: {len(trail)} events verified." in output
    for previous, event in zip([None, *trail], trail, strict=False):
        assert event.prev_hash == (previous.hash if previous else chain.GENESIS)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (trail[-1].seq, trail[-1].hash)


def test_a_pages_lists_are_written_in_one_insert_and_chained_in_order(
    trail, recruiter, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The lists of one page go in as one insert, with no lock; after the commit they become
    consecutive events of the chain, one per list."""
    candidates = list(Candidate.objects.order_by("pk"))
    lists = [
        (Candidate, [c.pk for c in candidates], {"list": "first"}),
        (AuditEvent, [], {"list": "second"}),
        (Candidate, [candidates[0].pk], None),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_num_queries(1):
            events = audit_lists(actor=recruiter, lists=lists)
        assert [e.seq for e in events] == [None, None, None]

    stored = list(AuditEvent.objects.filter(seq__gt=trail[-1].seq).order_by("seq"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert [e.seq for e in stored] == [trail[-1].seq + 1, trail[-1].seq + 2, trail[-1].seq + 3]
    assert [(e.action, e.target_type, e.target_ids, e.detail) for e in stored] == [
        (AuditAction.LIST, "candidates.candidate", [str(c.pk) for c in candidates], {"list": "first"}),
        (AuditAction.LIST, "audit.auditevent", [], {"list": "second"}),
        (AuditAction.LIST, "candidates.candidate", [str(candidates[0].pk)], {}),
    ]
    assert [e.prev_hash for e in stored] == [trail[-1].hash, stored[0].hash, stored[1].hash]
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (stored[-1].seq, stored[-1].hash)
    assert f"Audit chain intact: {len(trail) + 3} events verified." in _verify()
    assert audit_lists(actor=recruiter, lists=[]) == []


def test_events_appended_together_are_written_in_one_insert_in_their_order(
    trail, recruiter, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A page's `view` events, appended inside `audit_together()`, go in as one insert when it
    closes and are chained as if each had been inserted in turn; an error inside drops them."""
    candidates = list(Candidate.objects.order_by("pk"))
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1), audit_together():
        first = audit_record(actor=recruiter, action=AuditAction.VIEW, target=candidates[1])
        with audit_together():  # nested: the outer one writes them
            audit_list(actor=recruiter, model=Candidate, ids=[candidates[0].pk])
        audit_record(actor=recruiter, action=AuditAction.VIEW, target=candidates[0])
        assert first.pk is None
    stored = list(AuditEvent.objects.filter(seq__gt=trail[-1].seq).order_by("seq"))
    assert [(e.action, e.target_id, e.target_ids, e.candidate_id) for e in stored] == [
        (AuditAction.VIEW, str(candidates[1].pk), [], candidates[1].pk),
        (AuditAction.LIST, "", [str(candidates[0].pk)], None),
        (AuditAction.VIEW, str(candidates[0].pk), [], candidates[0].pk),
    ]
    assert [e.pk for e in stored] == sorted(e.pk for e in stored) and stored[0].pk == first.pk
    assert f"Audit chain intact: {len(trail) + 3} events verified." in _verify()

    with pytest.raises(LookupError), audit_together():
        audit_record(actor=recruiter, action=AuditAction.VIEW, target=candidates[0])
        raise LookupError
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert AuditEvent.objects.count() == len(trail) + 3


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_label", "someone-else"),
        ("action", AuditAction.VIEW.value),
        ("target_id", "00000000-0000-0000-0000-000000000000"),
        ("request_id", "req-forged-000001"),
        ("changed_fields", json.dumps(["full_name"])),
    ],
)
def test_a_row_altered_in_the_database_is_reported_at_its_seq(trail, column, value):
    middle = trail[len(trail) // 2].seq
    _tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, middle])  # noqa: S608

    with pytest.raises(CommandError, match=rf"broken at event #{middle}: its contents do not match its hash"):
        _verify()


def test_a_deleted_middle_row_is_reported_as_missing(trail):
    middle = trail[len(trail) // 2].seq
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [middle])

    with pytest.raises(CommandError, match=rf"broken at event #{middle}: event #{middle} is missing"):
        _verify()


def test_a_deleted_last_row_no_longer_matches_the_head(trail):
    last = trail[-1].seq
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [last])

    with pytest.raises(
        CommandError,
        match=rf"broken at event #{last}: the chain ends at #{last - 1} but its head says #{last}",
    ):
        _verify()


def _forge_from(seq: int, *, key: str) -> None:
    """Alter event `seq` and re-link it and every later event (and the head) with `key`, as
    someone with database access but without the audit key would have to."""
    _tamper("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["someone-else", seq])
    events = AuditEvent.objects.filter(seq__gte=seq - 1).order_by("seq")
    prev_hash = chain.GENESIS if seq == 1 else None
    with override_settings(HRSUITE_AUDIT_KEY=key):
        for event in events:
            if event.seq < seq:
                prev_hash = event.hash
                continue
            forged = chain.link(prev_hash, event)
            _tamper(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                [prev_hash, forged, event.seq],
            )
            prev_hash = forged
    _tamper("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [prev_hash])


def test_a_chain_relinked_with_a_wrong_key_is_reported_at_the_first_forged_row(trail):
    middle = trail[len(trail) // 2].seq

    _forge_from(middle, key=base64.b64encode(b"w" * 32).decode())

    with pytest.raises(CommandError, match=rf"broken at event #{middle}: its contents do not match its hash"):
        _verify()


def test_only_the_audit_key_makes_a_relinked_chain_verify(settings, trail):
    # The control for the test above: the same forgery with the real key passes, so it is the
    # key, kept outside the database, that the chain's protection rests on.
    _forge_from(trail[len(trail) // 2].seq, key=settings.HRSUITE_AUDIT_KEY)

    assert f"{len(trail)} events verified" in _verify()


def _serialized(events) -> str:
    return serializers.serialize("json", events)


def test_events_name_encrypted_fields_but_never_hold_their_values(recruiter, interviewer):
    candidate = make_candidate(recruiter, email=EMAIL, phone=PHONE, resume_text=RESUME)
    created = AuditEvent.objects.get(action=AuditAction.CREATE, target_id=str(candidate.pk))
    assert created.target_type == "candidates.candidate" and created.candidate_id == candidate.pk
    assert {"email", "phone", "resume_text"} <= set(created.changed_fields)
    assert all(name in {f.name for f in Candidate._meta.fields} for name in created.changed_fields)

    # The rest of a hire's data, every service that writes an encrypted field.
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
    payload = assessment_payload(transcript="Quillmoor transcript text")
    payload["dimensions"][0]["evidence"][0]["quote"] = "Quillmoor evidence quote"
    receive_assessment(interview, payload, actor="provider:test")
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    scorecard_save(
        interview=interview, ratings={"communication": 3}, notes="Quillmoor private note", actor=interviewer
    )

    dump = _serialized(AuditEvent.objects.order_by("seq"))
    assert str(candidate.pk) in dump  # the serialisation is real
    for secret in (EMAIL, PHONE, "Quillmoor", "Quillmoor transcript", "Quillmoor private note"):
        assert secret not in dump and json.dumps(secret)[1:-1] not in dump


def test_a_list_read_is_one_event_with_the_ids_it_returned(recruiter, trail):
    shown = list(Candidate.objects.order_by("pk").values_list("pk", flat=True))
    before = AuditEvent.objects.count()

    event = audit_list(actor=recruiter, model=Candidate, ids=shown, detail={"page": 1})

    assert AuditEvent.objects.count() == before + 1
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == AuditAction.LIST and stored.target_type == "candidates.candidate"
    assert stored.target_ids == [str(pk) for pk in shown] and len(shown) == 2
    assert stored.actor_id == recruiter.pk and stored.detail == {"page": 1}
    assert f"{before + 1} events verified" in _verify()


def test_the_request_context_is_stored_and_chained(recruiter):
    token = context.bind(
        context.RequestContext(request_id="req-0123456789ab", ip="203.0.113.7", user_agent="pytest-agent/1.0")
    )
    try:
        in_request = audit_record(
            actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate"
        )
    finally:
        context.unbind(token)
    outside = audit_record(actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate")

    stored = AuditEvent.objects.get(pk=in_request.pk)
    assert (stored.request_id, stored.ip, stored.user_agent) == (
        "req-0123456789ab",
        "203.0.113.7",
        "pytest-agent/1.0",
    )
    other = AuditEvent.objects.get(pk=outside.pk)
    assert other.request_id.startswith("sys-") and other.ip is None and other.user_agent == ""
    _verify()
    stored = AuditEvent.objects.get(pk=in_request.pk)  # chained by the check
    # The context is part of what the chain covers.
    _tamper("UPDATE audit_auditevent SET ip = %s WHERE seq = %s", ["198.51.100.1", stored.seq])
    with pytest.raises(CommandError, match=rf"#{stored.seq}: its contents do not match"):
        _verify()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_the_head_was_read_does_not_look_like_a_break(trail, recruiter):
    """A busy trail: another connection commits an event between the check reading the head and
    walking the events. Django's execute_wrapper holds the check right after its head query."""
    from audit.services import audit_verify

    def another_writer():
        try:
            audit_record(actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate")
        finally:
            connection.close()

    writes = []

    def write_after_the_head_is_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        # The check's read of the head (the chainer it runs first only locks the head, and
        # only when something is pending).
        if "audit_auditchainhead" in sql and "FOR UPDATE" not in sql and not writes:
            writes.append(threading.Thread(target=another_writer))
            writes[0].start()
            writes[0].join()
        return result

    with connection.execute_wrapper(write_after_the_head_is_read):
        checked, broken = audit_verify()

    assert writes and AuditEvent.objects.count() == len(trail) + 1
    assert broken is None
    assert checked == len(trail)
    assert audit_verify() == (len(trail) + 1, None)


def test_an_event_inserted_past_the_head_is_reported(trail):
    last = trail[-1]
    _tamper(
        "INSERT INTO audit_auditevent (seq, at, actor_label, action, target_type, target_id, target_ids, "
        "changed_fields, detail, request_id, user_agent, prev_hash, hash) "
        "VALUES (%s, %s, 'intruder', 'view', '', '', '[]', '[]', '{}', '', '', %s, %s)",
        [last.seq + 1, last.at, last.hash, "0" * 64],
    )
    with pytest.raises(CommandError, match=rf"event #{last.seq + 1} lies past the chain head #{last.seq}"):
        _verify()
