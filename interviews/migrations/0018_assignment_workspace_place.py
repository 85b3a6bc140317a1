"""Each assignment carries its place in the interviewer's workspace (`WorkspaceGroup`, and the
start while the interview is ahead of them), which the workspace pages and counts along one index.

Existing rows are placed one interviewer at a time, each in a short transaction, so a large table
is not held locked for the whole backfill.
"""

import importlib

from django.db import migrations, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When

from hrsuite.migration_operations import AddIndexWithoutLocking

# Mirror `interviews.models` as of this migration.
AWAITING, UPCOMING, DONE = 0, 1, 2
BUSY = ("scheduled", "in_progress")


def place_in_workspaces(apps, schema_editor):
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    Scorecard = apps.get_model("interviews", "Scorecard")
    submitted = Exists(
        Scorecard.objects.filter(
            interview=OuterRef("interview_id"), interviewer=OuterRef("interviewer_id"), status="submitted"
        )
    )
    awaiting = When(~submitted, interview_status="completed", then=Value(AWAITING))
    upcoming = When(interview_status__in=BUSY, then=Value(UPCOMING))
    interviewers = InterviewAssignment.objects.values_list("interviewer_id", flat=True).distinct().order_by()
    for interviewer_id in list(interviewers):
        with transaction.atomic(using=schema_editor.connection.alias):
            InterviewAssignment.objects.filter(interviewer_id=interviewer_id).update(
                workspace_group=Case(awaiting, upcoming, default=Value(DONE)),
                workspace_ahead_at=Case(
                    When(~submitted, interview_status="completed", then=F("interview_starts_at")),
                    When(interview_status__in=BUSY, then=F("interview_starts_at")),
                    default=None,
                ),
            )


def restore_sqlite_overlap_triggers(apps, schema_editor):
    """SQLite rebuilt the table to add the NOT NULL column, dropping its triggers: made again."""
    if schema_editor.connection.vendor != "sqlite":
        return
    overlap = importlib.import_module("interviews.migrations.0017_assignment_booking_overlap")
    for when in ("insert", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {overlap.NAME}_{when}")
    for sql in overlap.SQLITE_TRIGGERS:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    # The index is built concurrently on PostgreSQL, which cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("interviews", "0017_assignment_booking_overlap"),
    ]

    operations = [
        # The default only fills the column until `place_in_workspaces` sets every row.
        migrations.AddField(
            model_name="interviewassignment",
            name="workspace_group",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Awaiting my scorecard"), (1, "Upcoming"), (2, "Done")], default=DONE
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="interviewassignment",
            name="workspace_ahead_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(restore_sqlite_overlap_triggers, migrations.RunPython.noop),
        migrations.RunPython(place_in_workspaces, migrations.RunPython.noop),
        AddIndexWithoutLocking(
            model_name="interviewassignment",
            index=models.Index(
                fields=["interviewer", "workspace_group", "workspace_ahead_at", "-interview_starts_at", "interview"],
                name="assignment_workspace_list",
            ),
        ),
    ]
