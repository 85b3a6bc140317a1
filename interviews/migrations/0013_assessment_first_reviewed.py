from django.db import migrations, models
from django.db.models import Exists, Min, OuterRef, Subquery


def date_first_reviews(apps, schema_editor):
    """Assessments reviewed before the column existed get the time of their first review."""
    AIAssessment = apps.get_model("interviews", "AIAssessment")
    HumanReview = apps.get_model("interviews", "HumanReview")
    reviews = HumanReview.objects.filter(dimension_score__assessment=OuterRef("pk"))
    first = reviews.order_by().values("dimension_score__assessment").annotate(first=Min("created_at"))
    AIAssessment.objects.filter(Exists(reviews)).update(first_reviewed_at=Subquery(first.values("first")))


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0012_assignment_interview_copies"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="aiassessment", name="assessment_review_queue"),
        migrations.AddField(
            model_name="aiassessment",
            name="first_reviewed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_first_reviews, migrations.RunPython.noop),
        # The queue leaves out what a person has reviewed: flagged assessments stay flagged.
        migrations.AddIndex(
            model_name="aiassessment",
            index=models.Index(
                condition=models.Q(("first_reviewed_at__isnull", True), ("needs_human_review", True)),
                fields=["received_at", "id"],
                name="assessment_review_queue",
            ),
        ),
    ]
