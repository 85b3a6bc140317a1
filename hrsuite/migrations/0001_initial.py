"""Kept row counts of the largest tables (hrsuite.tallies): their rows, and on PostgreSQL the
function the tallied tables' triggers call (each table's own migration adds its triggers)."""

from django.db import migrations, models

TABLE = "hrsuite_rowtally"
# The trigger function of every tallied table: TG_OP tells what the statement did, and
# `tally_rows` (the statement's transition table) holds the rows it inserted or deleted.
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION hrsuite_tally_rows() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {TABLE} WHERE "table" = TG_TABLE_NAME;
        INSERT INTO {TABLE} ("table", n) VALUES (TG_TABLE_NAME, 0);
    ELSE
        INSERT INTO {TABLE} ("table", n)
            SELECT TG_TABLE_NAME, CASE TG_OP WHEN 'INSERT' THEN count(*) ELSE -count(*) END
            FROM tally_rows HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
DROP_FUNCTION_SQL = "DROP FUNCTION IF EXISTS hrsuite_tally_rows();"


def add_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION_SQL)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RowTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=63)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "row count change",
                "verbose_name_plural": "row count changes",
                "indexes": [models.Index(fields=["table", "n"], name="row_tally_table")],
            },
        ),
        migrations.RunPython(add_function, drop_function),
    ]
