"""Migration operations the apps' migrations share."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation

# `hrsuite.models.RowTally`'s table.
_TALLY_TABLE = "hrsuite_rowtally"


class _ConcurrentlyOnPostgres:
    """An index operation run CONCURRENTLY on PostgreSQL (in a migration with `atomic = False`),
    and as the plain operation `plain` elsewhere (the embedded SQLite default)."""

    plain: type

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexWithoutLocking(_ConcurrentlyOnPostgres, AddIndexConcurrently):
    """AddIndex that on PostgreSQL builds the index while the table stays open to writes
    (CREATE INDEX CONCURRENTLY): on a table of millions of rows a plain CREATE INDEX blocks every
    write for as long as the build takes."""

    plain = AddIndex


class RemoveIndexWithoutLocking(_ConcurrentlyOnPostgres, RemoveIndexConcurrently):
    """RemoveIndex that on PostgreSQL drops the index without blocking reads and writes of the
    table while it waits for them (DROP INDEX CONCURRENTLY)."""

    plain = RemoveIndex


class TallyRows(Operation):
    """Keeps the row count of `model_name`'s table on PostgreSQL (`hrsuite.tallies`): triggers
    that add a tally row per INSERT and DELETE statement and reset it on TRUNCATE, and the first
    tally row, the table's rows as counted now. Creating a trigger takes a lock that keeps
    writers out until the migration commits, so no row is counted twice or missed. Does nothing
    on SQLite, which counts."""

    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def _applies(self, app_label, schema_editor, state) -> bool:
        model = state.apps.get_model(app_label, self.model_name)
        return schema_editor.connection.vendor == "postgresql" and self.allow_migrate_model(
            schema_editor.connection.alias, model
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies(app_label, schema_editor, to_state):
            return
        table = schema_editor.quote_name(self._table(app_label, to_state))
        for name, event, transition in _TALLY_TRIGGERS:
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} {transition}"
                " FOR EACH STATEMENT EXECUTE FUNCTION hrsuite_tally_rows()"
            )
        schema_editor.execute(
            f'INSERT INTO {_TALLY_TABLE} ("table", n) SELECT %s, count(*) FROM {table}',  # noqa: S608 - names
            [self._table(app_label, to_state)],
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies(app_label, schema_editor, from_state):
            return
        name = self._table(app_label, from_state)
        for trigger, _event, _transition in _TALLY_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {schema_editor.quote_name(name)}")
        schema_editor.execute(f'DELETE FROM {_TALLY_TABLE} WHERE "table" = %s', [name])  # noqa: S608 - a constant

    def describe(self):
        return f"Keep the row count of {self.model_name}"

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name], {}


_TALLY_TRIGGERS = (
    ("tally_inserted", "INSERT", "REFERENCING NEW TABLE AS tally_rows"),
    ("tally_deleted", "DELETE", "REFERENCING OLD TABLE AS tally_rows"),
    ("tally_truncated", "TRUNCATE", ""),
)
