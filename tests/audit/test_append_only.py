import io

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AppendOnlyError, AuditAction, AuditEvent
from audit.services import audit_record


@pytest.fixture
def event(recruiter, django_capture_on_commit_callbacks):
    """The second of two events, as stored once chained after its (captured) commit."""
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(
            actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate", target_id="a"
        )
        written = audit_record(
            actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate", target_id="b"
        )
    stored = AuditEvent.objects.get(pk=written.pk)
    assert (stored.seq, stored.hash) != (None, None)
    return stored


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
    with pytest.raises(AppendOnlyError, match="written unchained"), transaction.atomic():
        forged.save()  # it carries chain fields, which only the chainer sets
    unchained = AuditEvent(pk=event.pk, at=event.at, actor_label="someone-else", action=event.action)
    with pytest.raises(IntegrityError), transaction.atomic():
        unchained.save()  # an INSERT, so the taken id is refused rather than overwritten
    with pytest.raises(AppendOnlyError):
        forged.save(force_update=True)
    with pytest.raises(AppendOnlyError, match="written unchained"):
        AuditEvent.objects.bulk_create([forged])
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
    """Someone with the application's database role adds an event, links it as the chainer would
    and moves the head onto it: refused when events are missing between the two, or when the
    first does not link to the head."""
    from audit.models import AuditChainHead
    from audit.services import audit_chain_pending
    from tests.factories import make_candidate

    make_candidate(recruiter)
    audit_chain_pending()
    head = AuditChainHead.objects.get(pk=1)
    assert head.seq > 0
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        planted = AuditEvent.objects.create(action=AuditAction.VIEW)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = 'planted' WHERE id = %s",
                [head.seq + ahead, prev_hash or head.hash, planted.pk],
            )
            cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = 'planted'", [head.seq + ahead])
    assert AuditChainHead.objects.get(pk=1).seq == head.seq


@pytest.fixture
def unchained(recruiter):
    """An event as its writer leaves it: committed (here, inside the test's transaction) and not
    chained yet."""
    written = audit_record(actor=recruiter, action=AuditAction.VIEW, target_type="candidates.candidate")
    stored = AuditEvent.objects.get(pk=written.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (None, None, None)
    return stored


@pytest.mark.services
@pytest.mark.parametrize(
    "assignments",
    [
        "seq = 1000",
        "hash = 'x'",
        "prev_hash = 'x'",
        "seq = 1000, prev_hash = 'x', hash = 'x'",
        "seq = NULL, prev_hash = NULL, hash = NULL",
        "seal = 'x'",
    ],
)
def test_postgresql_trigger_refuses_changing_a_chained_events_links(event, assignments):
    with pytest.raises(DatabaseError, match=r"append-only \(UPDATE refused\)"), transaction.atomic():
        connection.cursor().execute(f"UPDATE audit_auditevent SET {assignments} WHERE id = %s", [event.pk])  # noqa: S608
    _unchanged(event)


@pytest.mark.services
@pytest.mark.parametrize(
    "assignments",
    [
        "seq = 1, prev_hash = 'p', hash = 'h', target_id = 'changed'",
        "seq = 1, prev_hash = 'p', hash = 'h', seal = 'x'",
        "seq = 1, prev_hash = 'p'",
        "target_id = 'changed'",
    ],
    ids=["content-changed-while-linking", "seal-changed-while-linking", "half-linked", "content-only"],
)
def test_postgresql_trigger_lets_an_unchained_event_only_be_linked(unchained, assignments):
    with pytest.raises(DatabaseError, match=r"append-only \(UPDATE refused\)"), transaction.atomic():
        connection.cursor().execute(
            f"UPDATE audit_auditevent SET {assignments} WHERE id = %s",  # noqa: S608
            [unchained.pk],
        )
    # The control: linking it and nothing else is the one change let through.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET seq = 1, prev_hash = 'p', hash = 'h' WHERE id = %s", [unchained.pk]
        )
    assert AuditEvent.objects.get(pk=unchained.pk).target_id == unchained.target_id


@pytest.mark.services
def test_postgresql_trigger_refuses_an_event_inserted_already_chained(db):
    with (
        pytest.raises(DatabaseError, match="inserted unchained"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, at, actor_label, action, target_type, target_id, target_ids, "
            "changed_fields, detail, request_id, user_agent, prev_hash, hash) "
            "VALUES (1, now(), 'intruder', 'view', '', '', '[]', '[]', '{}', '', '', %s, %s)",
            ["0" * 64, "0" * 64],
        )
    assert not AuditEvent.objects.exists()
