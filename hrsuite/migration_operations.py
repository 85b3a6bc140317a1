"""Migration operations the apps' migrations share."""

import json

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import models
from django.db.migrations import AddIndex, AlterField, RemoveIndex
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


class EncryptFields(Operation):
    """Makes plain columns of `model_name` encrypted fields (`hrsuite.fields`) and encrypts the
    values already in them, in place; backwards, decrypts them and makes the columns plain
    again. `fields`: (name, new encrypted field) pairs, altered as `AlterField` alters them.

    A migration's models carry no `data_subject`, so the values are sealed under the keyring,
    as values written before person keys were: `manage.py adopt_person_keys` then seals them
    under each person's key (docs/architecture.md, "Person keys"). Rows are read by key, a batch
    at a time, and each is written once with every field of it.
    """

    reversible = True
    batch_size = 1000

    def __init__(self, model_name: str, fields: list):
        self.model_name = model_name
        self.fields = list(fields)
        self._alterations = [AlterField(model_name, name, field) for name, field in self.fields]

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name, self.fields], {}

    def describe(self):
        names = ", ".join(name for name, _field in self.fields)
        return f"Encrypt {names} of {self.model_name} in place"

    def state_forwards(self, app_label, state):
        for alteration in self._alterations:
            alteration.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for alteration in self._alterations:
            alteration.database_forwards(app_label, schema_editor, from_state, to_state)
        self._rewrite(app_label, schema_editor, encrypted=to_state, plain=from_state, sealing=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._rewrite(app_label, schema_editor, encrypted=from_state, plain=to_state, sealing=False)
        for alteration in reversed(self._alterations):
            alteration.database_backwards(app_label, schema_editor, from_state, to_state)

    @staticmethod
    def _sealed(field, plain_field, pk, value) -> str:
        """The ciphertext of a plain column's `value` (read as text), for its row."""
        if value is None or value == "":
            return ""
        text = str(value)
        if isinstance(plain_field, models.GenericIPAddressField):
            # PostgreSQL casts an inet to text with its mask ("203.0.113.7/32"); the field held
            # one address.
            text = text.partition("/")[0]
        return field.seal(field.decode(text), row_id=pk).token

    @staticmethod
    def _opened(field, plain_field, pk, value) -> str | None:
        """What the plain column holds of an encrypted `value`: its text (JSON for a JSON
        field). An erased person's value reads empty."""
        value = field.decrypt_value(value, row_id=pk)
        if isinstance(plain_field, models.JSONField):
            return json.dumps(field.get_default() if value is None else value, ensure_ascii=False)
        if value in (None, ""):
            # An empty address is NULL: PostgreSQL's inet has no empty text.
            return None if plain_field.null else ""
        return value

    def _rewrite(self, app_label, schema_editor, *, encrypted, plain, sealing: bool) -> None:
        """Every row's values of the fields sealed (`sealing`) or opened, written in place;
        `encrypted` and `plain` are the states with the fields encrypted and plain."""
        model = encrypted.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        if not self.allow_migrate_model(connection.alias, model):
            return
        plain_model = plain.apps.get_model(app_label, self.model_name)
        fields = [
            (model._meta.get_field(name), plain_model._meta.get_field(name)) for name, _field in self.fields
        ]
        rewritten = self._sealed if sealing else self._opened
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field, _plain in fields)
        statement = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 - the model's names
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        rows = model._base_manager.using(connection.alias).order_by("pk")
        columns = [field.attname for field, _plain in fields]
        last = None
        while True:
            # Stored values as they are: values_list() decrypts nothing.
            after = rows if last is None else rows.filter(pk__gt=last)
            batch = list(after.values_list("pk", *columns)[: self.batch_size])
            if not batch:
                return
            last = batch[-1][0]
            with connection.cursor() as cursor:
                cursor.executemany(
                    statement,
                    [
                        [
                            *(
                                rewritten(field, plain_field, pk, value)
                                for (field, plain_field), value in zip(fields, values, strict=True)
                            ),
                            model._meta.pk.get_db_prep_value(pk, connection),
                        ]
                        for pk, *values in batch
                    ],
                )
