"""A held interview's assignments keep when it ended, as the provider reported it, instead of its
booked end (`interviews.models.interview_end`), and the overdue scorecards are read and counted on
them along a new index of the assignments awaiting a scorecard, which replaces `assignment_held`.

Existing rows are updated one interviewer at a time, each in a short transaction, so a large table
is not held locked for the whole backfill.
"""

from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery

from hrsuite.migration_operations import AddIndexWithoutLocking, RemoveIndexWithoutLocking

# Mirror `interviews.models` as of this migration.
AWAITING = 0


def keep_reported_ends(apps, schema_editor):
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    Interview = apps.get_model("interviews", "Interview")
    ended_at = Interview.objects.filter(pk=OuterRef("interview_id")).values("ended_at")
    held = InterviewAssignment.objects.filter(interview_status="completed", interview__ended_at__isnull=False)
    interviewers = held.values_list("interviewer_id", flat=True).distinct().order_by()
    for interviewer_id in list(interviewers):
        with transaction.atomic(using=schema_editor.connection.alias):
            held.filter(interviewer_id=interviewer_id).update(interview_ends_at=Subquery(ended_at))


class Migration(migrations.Migration):
    # The indexes are built and dropped concurrently on PostgreSQL, which cannot run inside a
    # transaction.
    atomic = False

    dependencies = [
        ("interviews", "0020_assignment_held"),
    ]

    operations = [
        migrations.RunPython(keep_reported_ends, migrations.RunPython.noop),
        AddIndexWithoutLocking(
            model_name="interviewassignment",
            index=models.Index(
                condition=models.Q(workspace_group=AWAITING),
                fields=["interview_ends_at", "id"],
                name="assignment_awaiting",
            ),
        ),
        RemoveIndexWithoutLocking(model_name="interviewassignment", name="assignment_held"),
    ]
