from django.db import migrations, models
from django.db.models.functions import Upper

from hrsuite.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # The indexes are built concurrently on PostgreSQL, which cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("audit", "0008_unchained_events"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="auditevent",
            index=models.Index(
                Upper("actor_label"), "at", condition=models.Q(action="login"), name="audit_sign_ins"
            ),
        ),
        AddIndexWithoutLocking(
            model_name="auditevent",
            index=models.Index(fields=["at"], condition=models.Q(action="login_failed"), name="audit_failed_sign_ins"),
        ),
    ]
