"""Migration operations the apps' migrations share."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations import AddIndex, RemoveIndex


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
