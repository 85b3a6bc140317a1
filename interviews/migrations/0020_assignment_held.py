from django.db import migrations, models

from hrsuite.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL, which cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("interviews", "0019_assignment_interviewer_start"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="interviewassignment",
            index=models.Index(
                condition=models.Q(interview_status="completed"),
                fields=["interview_starts_at", "id"],
                name="assignment_held",
            ),
        ),
    ]
