"""Base classes shared by the domain models of every app."""

import uuid

from django.db import connections, models
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from hrsuite.catalogues import forget_with_catalogues
from hrsuite.errors import ValidationFailed
from hrsuite.fields import EncryptedTextField

# The largest value of a 64-bit integer column (the keys of users and of the audit trail): SQLite
# refuses even to compare with a larger number, PostgreSQL to store one.
BIGINT_MAX = 2**63 - 1


@models.UUIDField.register_lookup
class InFew(models.Lookup):
    """`pk__in_few=<subquery>`: `pk IN (subquery)` for a subquery that yields few keys (the
    grants of one user, or the 10,000 candidates at most that the candidate list reads first),
    written on PostgreSQL as `pk = ANY(ARRAY(subquery))`.

    As a plain IN, PostgreSQL may walk the whole table in the list's order and probe the
    subquery row by row, which grows with the table; as an array it reads the keys first and
    fetches just those rows, then sorts them. A key twice in the array still gives its row once.

    A query that also names its rows by key on the same column (one object by its key, or a
    page's rows by their keys) gets the plain IN: beside that key, PostgreSQL before 17 walks the
    whole array in the index, and beside a list of keys every pair of the two arrays (3.6 ms for
    25 keys and 3,000 grants), where a semi-join fetches the named rows and looks each up among
    the grants (0.3 ms; 0.75 → 0.13 ms for one key).
    """

    lookup_name = "in_few"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        as_array = connection.vendor == "postgresql" and not self._beside_listed_keys(compiler.query.where)
        template = "%s = ANY(ARRAY%s)" if as_array else "%s IN %s"
        return template % (lhs, rhs), [*lhs_params, *rhs_params]

    def _beside_listed_keys(self, where) -> bool:
        """Whether every row of the query must also equal a given value of this column, or be in
        a given list of them."""
        if where.connector != AND or where.negated:
            return False
        return any(
            isinstance(condition, Exact | In)
            and condition.rhs_is_direct_value()
            and getattr(condition.lhs, "target", None) == getattr(self.lhs, "target", False)
            and getattr(condition.lhs, "alias", None) == getattr(self.lhs, "alias", False)
            for condition in where.children
        )


class ColumnsProperty(property):
    """A model's property computed from some of its own columns (`columns`), made with
    `columns_property`: an API answer showing it reads those columns and no others
    (`hrsuite.api.reading_shown`), as it would a column shown."""

    columns: tuple[str, ...] = ()


def columns_property(*columns: str):
    """Decorator: `@columns_property("title_en", "title_zh_hans")` over a method of the model
    makes it a property read from those columns."""

    def decorate(method) -> ColumnsProperty:
        made = ColumnsProperty(method, doc=method.__doc__)
        made.columns = columns
        return made

    return decorate


def nul_places(document) -> tuple[list[str], int]:
    """The places (`a.b[0]`) in a JSON document whose key or text holds a NUL character, which
    PostgreSQL cannot store, and how deep the document nests; walked without recursion."""
    places, deepest = [], 0
    pending = [(document, "", 0)]
    while pending:
        value, place, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in str(key):
                    places.append(place or "non_field_errors")
                pending.append((item, f"{place}.{key}" if place else str(key), depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{place}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            places.append(place or "non_field_errors")
    return places, deepest


# Choice labels by value, each translated once per language: a lazy label is translated again
# each time it is shown, and lists show one on every row (a dashboard some 200). Forgotten when
# Django loads its catalogues again.
_labels: dict[tuple[str | None, object], dict] = {}


def choice_labels(choices) -> dict:
    """What `get_<name>_display()` shows, by value, in the active language: for a field with
    choices, or a choices class (the values made hashable, as Django's lookup makes them)."""
    key = (translation.get_language(), choices)
    labels = _labels.get(key)
    if labels is None:
        pairs = choices.flatchoices if isinstance(choices, models.Field) else choices.choices
        labels = _labels[key] = {make_hashable(value): str(label) for value, label in pairs}
    return labels


forget_with_catalogues(_labels.clear)


class ChoiceLabels(models.Model):
    """`get_FOO_display()` without remaking the field's choices on each call, from labels
    translated once per language (`choice_labels`).

    Django's makes a dict of every choice each time, and hashing its lazy labels translates
    each of them: the interviewer's list translated some 400 labels to show 50."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)


class DomainModel(ChoiceLabels):
    """Random UUID keys: known before the first save, so encrypted fields can be bound to their
    row, and not enumerable, so ids cannot be probed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refuse_what_the_database_cannot_hold(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def refuse_what_the_database_cannot_hold(self, update_fields=None) -> None:
        """ValidationFailed naming each field whose text is longer than its column or holds a NUL
        character, before anything is written.

        PostgreSQL refuses both with an error; SQLite stores both. Checked here, on the value
        about to be written, so a service that normalises (upper-cases a region: "ß" becomes
        "SS") cannot overflow a column it checked before, and both databases answer alike.
        Encrypted fields hold ciphertext, which fits whatever the text was.
        """
        errors: dict[str, list[str]] = {}
        for field in self._meta.concrete_fields:
            if update_fields is not None and field.name not in update_fields:
                continue
            value = getattr(self, field.attname)
            if isinstance(field, models.JSONField):
                if nul_places(value)[0]:
                    errors[field.name] = [gettext("Text cannot hold a NUL character.")]
            elif isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
                if isinstance(field, EncryptedTextField):
                    continue
                if field.max_length is not None and len(value) > field.max_length:
                    errors[field.name] = [
                        ngettext(
                            "At most %(count)d character.", "At most %(count)d characters.", field.max_length
                        )
                        % {"count": field.max_length}
                    ]
                elif "\x00" in value:
                    errors[field.name] = [gettext("Text cannot hold a NUL character.")]
        if errors:
            raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)


class ReceivedEvent(DomainModel):
    """One event an outside provider sent us (a video platform, a background-check service), kept
    so a replay or a duplicate delivery finds its row and changes nothing. Each app's table adds
    what the event is about and its (provider, event_id) uniqueness."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    received_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.provider}:{self.event_id} ({self.event_type})"


class RowTally(models.Model):
    """A change to a large table's row count: rows it gained (or, negative, lost) in one statement.
    The table's count is the sum of its rows (`hrsuite.tallies`)."""

    table = models.CharField(max_length=63)
    n = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["table", "n"], name="row_tally_table")]
        verbose_name = _("row count change")
        verbose_name_plural = _("row count changes")

    def __str__(self):
        return f"{self.table} {self.n:+}"


class PersonKey(models.Model):
    """One person's data key, sealed under the keyring. Kept in the key store, a database apart
    from the rest (`hrsuite.persons`; docs/architecture.md, "Person keys")."""

    person = models.UUIDField(primary_key=True)
    # Base64 of the 32-byte key; empty once the person was erased.
    key = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("person key")
        verbose_name_plural = _("person keys")

    def __str__(self):
        return f"person key {self.person}{' (erased)' if self.erased_at else ''}"


def rows_read(model: type[models.Model], where: str, params: list, *, using: str = "default") -> list:
    """Instances of `model` from a written-out statement: every concrete column of its table
    `WHERE <where>` (a condition, and an order and a limit if any; with `params`), made as the
    ORM makes rows (its converters, then `from_db`). For the few reads every request makes (the
    signed-in user, the audit chainer's pending events), whose building and compiling through
    the ORM cost more than the rest of the read."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)  # noqa: S608 - model's names
        rows = cursor.fetchall()
    if not rows:
        return []
    compiler = model._base_manager.none().query.get_compiler(connection=connection)
    converters = compiler.get_converters([field.get_col(model._meta.db_table) for field in fields])
    if converters:
        rows = compiler.apply_converters(rows, converters)
    names = [field.attname for field in fields]
    return [model.from_db(using, names, values) for values in rows]
