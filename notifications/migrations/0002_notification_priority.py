"""Outbox rows carry their template's priority, and the dispatcher claims due rows urgent first.
Rows already queued take the priority their template now registers."""

from django.db import migrations, models

# The templates registered URGENT when this migration was written (interviews.emails).
URGENT_TEMPLATES = ["reminder", "cancellation", "reschedule_offer", "phone_fallback_offer"]


def urgent_rows_forward(apps, schema_editor):
    notification = apps.get_model("notifications", "Notification")
    notification.objects.filter(template__in=URGENT_TEMPLATES, status__in=["pending", "sending"]).update(
        priority=0
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="priority",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["status", "priority", "due_at"], name="notification_claim_order"),
        ),
        migrations.RunPython(urgent_rows_forward, migrations.RunPython.noop),
    ]
