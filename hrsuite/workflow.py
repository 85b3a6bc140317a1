"""Workflow state changes (docs/architecture.md, "Workflow transitions"): an explicit table
{(state, event): new state} applied with a compare-and-set update, so two writers never both move
the same row from one state; and outside events (provider webhooks) applied once."""

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from hrsuite.errors import InvalidTransition

Table = dict[tuple[str, str], str]


def transition(
    instance: models.Model,
    *,
    table: Table,
    event: str,
    field: str = "status",
    expect: dict | None = None,
    changes: dict | None = None,
) -> str:
    """Move `instance` by `event` and return the state it left.

    The row is updated only if it is still in the state (and `expect` values) the caller read;
    otherwise, or when the table has no such move, InvalidTransition names the real state.
    `changes` are further columns set in the same update. Call inside a transaction, and write
    the audit event there too.
    """
    entity = instance._meta.verbose_name
    current = getattr(instance, field)
    new_state = table.get((current, event))
    if new_state is None:
        raise InvalidTransition(entity=entity, state=current, event=event)
    values = {field: new_state, "updated_at": timezone.now(), **(changes or {})}
    matched = type(instance)._default_manager.filter(pk=instance.pk, **{field: current}, **(expect or {}))
    if not matched.update(**values):
        instance.refresh_from_db(fields=[field])
        raise InvalidTransition(entity=entity, state=getattr(instance, field), event=event)
    for name, value in values.items():
        setattr(instance, name, value)
    return current


def record_once(record: models.Model) -> bool:
    """Inserts `record`, whose unique key names an outside event; False when it is there already.

    Call it first in the transaction that applies the event: a concurrent copy of the same
    delivery waits for this one's transaction and then finds the row, so the effects happen once.
    """
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError:
        return False
    return True
