from django.db import migrations, models

from hrsuite.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL, which cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("interviews", "0018_assignment_workspace_place"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="interviewassignment",
            index=models.Index(
                fields=["interviewer", "interview_starts_at", "interview"], name="assignment_interviewer_start"
            ),
        ),
    ]
