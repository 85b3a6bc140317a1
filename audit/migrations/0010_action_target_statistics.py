"""On PostgreSQL, statistics of which actions each record type has (docs/architecture.md, "Audit
trail"): a filter on both was estimated as if they were independent, so one that matches few
events or none (creating applications, where creations are of candidates) was read along one
filter's index to the end of its events, instead of by both indexes at once."""

from django.db import migrations

STATISTICS = "audit_action_target_type"


def _on_postgresql(*statements: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_sign_in_indexes"),
    ]

    operations = [
        migrations.RunPython(
            _on_postgresql(
                f"CREATE STATISTICS {STATISTICS} (mcv) ON action, target_type FROM audit_auditevent",
                "ANALYZE audit_auditevent",
            ),
            _on_postgresql(f"DROP STATISTICS {STATISTICS}"),
        ),
    ]
