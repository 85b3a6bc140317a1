from django.db import migrations, models

from hrsuite.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL, which cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("audit", "0010_action_target_statistics"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="auditevent",
            index=models.Index(fields=["request_id"], name="audit_request"),
        ),
    ]
