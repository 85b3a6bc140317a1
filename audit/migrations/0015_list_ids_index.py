"""An index of the ids each `list` event names, on PostgreSQL: the copy of a person's data finds
the lists that showed a record of theirs by containment (`privacy.copies`), without reading the
whole trail. A GIN index of jsonb_path_ops answers `target_ids @> '["<id>"]'`; SQLite has no such
index, and its small embedded trail is read whole instead."""

from django.db import migrations

INDEX = "audit_list_target_ids"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_auditevent "
            "USING gin (target_ids jsonb_path_ops) WHERE action = 'list'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0014_share_action")]

    operations = [migrations.RunPython(create, drop)]
