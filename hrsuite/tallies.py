"""Row counts of the largest tables, kept by PostgreSQL, so that a list of a whole table is not
counted row by row (docs/architecture.md, "Kept row counts").

A statement-level trigger on each tallied table (`hrsuite.migration_operations.TallyRows`) adds
one `RowTally` row per INSERT or DELETE statement with the rows it added or removed. A table's
count is the sum of its tally rows as the reader's snapshot sees them: exact in the same sense as
a COUNT in that transaction. Writers only insert tally rows, never update one, so they never wait
for each other; beat's `tallies_compact` folds each table's rows into one. The embedded SQLite
default has no triggers and counts: it does not hold millions of rows.
"""

from django.db import connections
from django.db.models import QuerySet

from hrsuite.models import RowTally

TABLE = RowTally._meta.db_table
# The tables whose count is kept: their models say so with `@row_count_kept`.
_tallied: set[str] = set()


def row_count_kept(model):
    """Class decorator of a model whose table's migration adds `TallyRows`: its whole lists are
    counted from the tallies, and no other table's costs a query to find that out."""
    _tallied.add(model._meta.db_table)
    return model


def tallied_count(queryset: QuerySet) -> int | None:
    """How many rows `queryset` has, read from the tallies, where it is the whole of a tallied
    table on PostgreSQL (no filter, no DISTINCT, no grouping, no slice); None where it must be
    counted."""
    query = queryset.query
    if (
        query.has_filters()
        or query.distinct
        or query.combinator
        or query.is_sliced
        or query.group_by is not None
        or query._filtered_relations
        or queryset.model._meta.db_table not in _tallied
    ):
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    # Written out, as the chainer's statements are: built by the ORM, this aggregate cost every
    # whole list more than the rest of its count.
    with connection.cursor() as cursor:
        cursor.execute(_COUNTED, [queryset.model._meta.db_table])
        rows, total = cursor.fetchone()
    return int(total) if rows else None  # not tallied (yet): its migration has not run


_COUNTED = f'SELECT COUNT(*), SUM(n) FROM {TABLE} WHERE "table" = %s'  # noqa: S608 - the model's table


def tallies_compact(using: str = "default") -> None:
    """Folds each table's tally rows into one, in one statement: a reader sees the rows before
    or the one after, and a second run at the same moment finds the first's rows gone."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH gone AS (DELETE FROM {TABLE} RETURNING "table", n)'  # noqa: S608 - the model's table
            f' INSERT INTO {TABLE} ("table", n) SELECT "table", sum(n) FROM gone GROUP BY "table"'
        )
