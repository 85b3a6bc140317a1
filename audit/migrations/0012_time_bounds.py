"""A time filter reads, on PostgreSQL, the lowest and highest key of each of its days off two
indexes of the events by UTC day (`audit.selectors.TimeSpanBound`; docs/architecture.md, "Audit
trail"): by the page's seq (chained events only, as only they have one) and by the API's id. It
then reads only that stretch of the trail. SQLite bounds the key by the range itself and gets
neither index.

The index on the events' time goes: nothing reads along it any more, and beside a time filter's
bounds PostgreSQL preferred it, to fetch and sort every event of the range.

Indexes are built and dropped concurrently on PostgreSQL, which cannot run inside a transaction.
"""

import django.utils.timezone
from django.db import migrations, models

# The name Django gave the index of `at` (db_index) when it made the table.
AT_INDEX = "audit_auditevent_at_f461ba89"
# The event's day in UTC: an index must not depend on the session's time zone.
DAY = "((at AT TIME ZONE 'UTC')::date)"
DAY_INDEXES = {
    "audit_day_seq": f"({DAY}, seq) WHERE seq IS NOT NULL",
    "audit_day_id": f"({DAY}, id)",
}


def add_day_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in DAY_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON audit_auditevent {definition}"
            )


def remove_day_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in DAY_INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def _concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def remove_at_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {AT_INDEX}")


def add_at_index(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS {AT_INDEX} ON audit_auditevent (at)"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0011_request_index"),
    ]

    operations = [
        migrations.RunPython(add_day_indexes, remove_day_indexes),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="at",
                    field=models.DateTimeField(default=django.utils.timezone.now),
                ),
            ],
            database_operations=[migrations.RunPython(remove_at_index, add_at_index)],
        ),
    ]
