import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_interviews(apps, schema_editor):
    Interview = apps.get_model("interviews", "Interview")
    InterviewAssignment = apps.get_model("interviews", "InterviewAssignment")
    interview = Interview.objects.filter(pk=OuterRef("interview_id"))
    InterviewAssignment.objects.update(
        interview_status=Subquery(interview.values("status")[:1]),
        interview_starts_at=Subquery(interview.values("starts_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0011_agenda_index"),
    ]

    operations = [
        # The defaults only fill the columns until `copy_from_interviews` sets every row.
        migrations.AddField(
            model_name="interviewassignment",
            name="interview_status",
            field=models.CharField(
                choices=[
                    ("scheduled", "Scheduled"),
                    ("in_progress", "In progress"),
                    ("completed", "Completed"),
                    ("technical_issue", "Technical issue"),
                    ("no_show", "No-show"),
                    ("cancelled", "Cancelled"),
                ],
                default="scheduled",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="interviewassignment",
            name="interview_starts_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(copy_from_interviews, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="interviewassignment",
            index=models.Index(
                fields=["interviewer", "interview_status", "interview_starts_at", "interview"],
                include=["id"],
                name="assignment_workspace",
            ),
        ),
    ]
