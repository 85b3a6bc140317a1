from django.db import migrations, models

from hrsuite.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL, which cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("candidates", "0005_verbose_names"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="candidateuserobjectpermission",
            index=models.Index(fields=["user", "permission", "id"], name="candidate_grant_order"),
        ),
    ]
