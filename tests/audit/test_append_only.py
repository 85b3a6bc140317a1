import io

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AppendOnlyError, AuditAction, AuditEvent
from audit.services import audit_record


@pytest.fixture
def event(recruiter):
    audit_record(actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate", target_id="a")
    return audit_record(
        actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate", target_id="b"
    )


def _unchanged(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_label, stored.target_id, stored.hash) == (event.actor_label, "b", event.hash)
    assert AuditEvent.objects.count() == 2
    call_command("audit_verify", stdout=io.StringIO())


def test_saving_an_existing_event_is_refused(event):
    event.target_id = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.target_id = "changed"
    with pytest.raises(AppendOnlyError):
        fetched.save(update_fields=["target_id"])
    event.target_id = "b"
    _unchanged(event)


def test_a_new_instance_with_an_existing_id_is_not_saved_over_the_event(event):
    forged = AuditEvent(
        pk=event.pk,
        seq=event.seq,
        at=event.at,
        actor_label="someone-else",
        action=event.action,
        target_id="b",
        prev_hash=event.prev_hash,
        hash=event.hash,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()  # an INSERT, so the taken id is refused rather than overwritten
    with pytest.raises(AppendOnlyError):
        forged.save(force_update=True)
    _unchanged(event)


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    _unchanged(event)


@pytest.mark.parametrize(
    "change",
    [
        lambda qs, e: qs.update(target_id="changed"),
        lambda qs, e: qs.filter(pk=e.pk).update(target_id="changed"),
        lambda qs, e: qs.delete(),
        lambda qs, e: qs.filter(pk=e.pk).delete(),
        lambda qs, e: qs.all().delete(),
        lambda qs, e: qs.bulk_update([e], ["target_id"]),
    ],
    ids=["update", "filter-update", "delete", "filter-delete", "all-delete", "bulk-update"],
)
def test_queryset_updates_and_deletes_are_refused(event, change):
    event.target_id = "changed"
    # bulk_update refuses inside its own atomic block: a savepoint keeps the test's transaction usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        change(AuditEvent.objects, event)
    event.target_id = "b"
    _unchanged(event)


@pytest.mark.services
@pytest.mark.parametrize(
    ("sql", "operation"),
    [
        ("UPDATE audit_auditevent SET target_id = 'changed' WHERE id = %s", "UPDATE"),
        ("DELETE FROM audit_auditevent WHERE id = %s", "DELETE"),
    ],
)
def test_postgresql_trigger_refuses_raw_sql_changes(event, sql, operation):
    assert connection.vendor == "postgresql"
    refusal = rf"append-only \({operation} refused\)"
    with (
        pytest.raises(DatabaseError, match=refusal) as refused,
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(sql, [event.pk])
    assert isinstance(refused.value.__cause__, psycopg.errors.InsufficientPrivilege)
    _unchanged(event)


@pytest.mark.services
def test_the_chain_head_cannot_be_moved_back_past_the_trail_or_deleted_on_postgresql(recruiter):
    from django.db import DatabaseError, connection, transaction

    from tests.factories import make_candidate

    make_candidate(recruiter)
    for statement in (
        "UPDATE audit_auditchainhead SET seq = seq - 1",
        "UPDATE audit_auditchainhead SET hash = 'x'",
        # Past the trail, with an event's hash or with none.
        "UPDATE audit_auditchainhead SET seq = seq + 1, hash = (SELECT MAX(hash) FROM audit_auditevent)",
        "UPDATE audit_auditchainhead SET seq = seq + 5",
        "DELETE FROM audit_auditchainhead",
    ):
        with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
            connection.cursor().execute(statement)


@pytest.mark.services
@pytest.mark.parametrize(
    ("ahead", "prev_hash"),
    [(100, None), (1, "not-the-heads-hash")],
    ids=["past-a-gap", "not-linked-to-the-head"],
)
def test_the_chain_head_cannot_be_moved_onto_a_planted_event_on_postgresql(recruiter, ahead, prev_hash):
    """Someone with the application's database role adds an event and moves the head onto it:
    refused when events are missing between the two, or when the first does not link to the head."""
    from audit.models import AuditChainHead
    from tests.factories import make_candidate

    make_candidate(recruiter)
    head = AuditChainHead.objects.get(pk=1)
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        AuditEvent.objects.create(
            seq=head.seq + ahead, action=AuditAction.VIEW, prev_hash=prev_hash or head.hash, hash="planted"
        )
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = 'planted'", [head.seq + ahead])
    assert AuditChainHead.objects.get(pk=1).seq == head.seq
