"""An interviewer's busy bookings cannot overlap: the assignments carry their interview's end, and
the database refuses an overlapping busy booking of the same interviewer (an exclusion
constraint on PostgreSQL, triggers on SQLite; docs/architecture.md, "Invariants in the
database").

Bookings that already overlap are not changed here: choosing which candidate loses the time
is HR's decision, and the candidate must be told. The migration stops and names them instead.
"""

from datetime import timedelta

import django.utils.timezone
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models
from django.db.models import Exists, OuterRef

NAME = "assignment_booking_overlap"
# Mirrors `interviews.models.BUSY_STATUSES` as of this migration.
BUSY = ("scheduled", "in_progress")
REPORTED = 50


def copy_end_from_interviews(apps, schema_editor):
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE interviews_interviewassignment AS a"
            " SET interview_ends_at = i.starts_at + make_interval(mins => i.duration_minutes)"
            " FROM interviews_interview AS i WHERE i.id = a.interview_id"
        )
        return
    rows = InterviewAssignment.objects.values_list("pk", "interview__starts_at", "interview__duration_minutes")
    for pk, starts_at, minutes in rows.iterator():
        InterviewAssignment.objects.filter(pk=pk).update(
            interview_ends_at=starts_at + timedelta(minutes=minutes)
        )


def refuse_existing_overlaps(apps, schema_editor):
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    busy = InterviewAssignment.objects.filter(interview_status__in=BUSY)
    overlapping = busy.filter(
        Exists(
            busy.filter(
                interviewer=OuterRef("interviewer"),
                interview_starts_at__lt=OuterRef("interview_ends_at"),
                interview_ends_at__gt=OuterRef("interview_starts_at"),
            ).exclude(pk=OuterRef("pk"))
        )
    ).order_by("interviewer", "interview_starts_at")
    found = list(
        overlapping.values_list("interviewer__username", "interview_id", "interview_starts_at")[: REPORTED + 1]
    )
    if not found:
        return
    lines = [f"  {name}: interview {interview} at {starts_at:%Y-%m-%d %H:%M} UTC" for name, interview, starts_at in found]
    if len(found) > REPORTED:
        lines[REPORTED:] = ["  ..."]
    raise RuntimeError(
        "These interviewers are booked twice at the same time (their interviews overlap). Cancel or "
        "reschedule one interview of each overlap in HR's pages (of the release still running), then run the migrations again:\n"
        + "\n".join(lines)
    )


def _pg_constraint():
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators

    class TsTzRange(models.Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name=NAME,
        expressions=[
            ("interviewer", RangeOperators.EQUAL),
            # The same interview twice is `assignment_once_per_interviewer`'s to refuse.
            ("interview", RangeOperators.NOT_EQUAL),
            # '[)': an interview may start when the other ends.
            (TsTzRange("interview_starts_at", "interview_ends_at"), RangeOperators.OVERLAPS),
        ],
        condition=models.Q(interview_status__in=BUSY),
    )


# SQLite runs one writer at a time, so a check in a trigger is as safe as the constraint.
_SQLITE_CHECK = f"""
    SELECT RAISE(ABORT, '{NAME}') WHERE EXISTS (
        SELECT 1 FROM interviews_interviewassignment AS other
        WHERE other.interviewer_id = NEW.interviewer_id
          AND other.interview_id != NEW.interview_id
          AND other.interview_status IN {BUSY}
          AND other.interview_starts_at < NEW.interview_ends_at
          AND NEW.interview_starts_at < other.interview_ends_at
    );
"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {NAME}_{when}
    BEFORE {when.upper()} ON interviews_interviewassignment
    WHEN NEW.interview_status IN {BUSY}
    BEGIN {_SQLITE_CHECK} END"""
    for when in ("insert", "update")
]


class BtreeGist(BtreeGistExtension):
    """Kept when migrating back: other constraints may use it, and Django's reverse would query
    PostgreSQL's catalog on SQLite too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def add_overlap_refusal(apps, schema_editor):
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_constraint(InterviewAssignment, _pg_constraint())
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def remove_overlap_refusal(apps, schema_editor):
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_constraint(InterviewAssignment, _pg_constraint())
    elif schema_editor.connection.vendor == "sqlite":
        for when in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_{when}")


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0016_verbose_names"),
    ]

    operations = [
        # The default only fills the column until `copy_end_from_interviews` sets every row.
        migrations.AddField(
            model_name="interviewassignment",
            name="interview_ends_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(copy_end_from_interviews, migrations.RunPython.noop),
        migrations.RunPython(refuse_existing_overlaps, migrations.RunPython.noop),
        BtreeGist(),
        migrations.RunPython(add_overlap_refusal, remove_overlap_refusal),
    ]
