"""Each application keeps its candidate's `created_at`, and three indexes read HR's candidate list
narrowed by stage, position or both a page at a time, newest candidate first, without sorting every
match. They replace the two that served those filters by counting.

Existing rows are filled a batch at a time, each in a short transaction, so a table of millions is
not held locked for the whole backfill; the indexes are built and dropped concurrently on
PostgreSQL, which cannot run inside a transaction.
"""

from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery

from hrsuite.migration_operations import AddIndexWithoutLocking, RemoveIndexWithoutLocking

BATCH = 50_000


def copy_candidates_created_at(apps, schema_editor):
    Application = apps.get_model("candidates", "Application")
    Candidate = apps.get_model("candidates", "Candidate")
    created_at = Candidate.objects.filter(pk=OuterRef("candidate_id")).values("created_at")
    empty = Application.objects.filter(candidate_created_at__isnull=True)
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            batch = list(empty.values_list("pk", flat=True)[:BATCH])
            if not batch:
                return
            Application.objects.filter(pk__in=batch).update(candidate_created_at=Subquery(created_at))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("candidates", "0007_tally_rows")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="candidate_created_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="candidate added at"),
        ),
        migrations.RunPython(copy_candidates_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="candidate_created_at",
            field=models.DateTimeField(editable=False, verbose_name="candidate added at"),
        ),
        AddIndexWithoutLocking(
            model_name="application",
            index=models.Index(
                fields=["stage", "-candidate_created_at", "candidate"], name="application_stage_newest"
            ),
        ),
        AddIndexWithoutLocking(
            model_name="application",
            index=models.Index(
                fields=["position", "-candidate_created_at", "candidate"], name="application_position_newest"
            ),
        ),
        AddIndexWithoutLocking(
            model_name="application",
            index=models.Index(
                fields=["position", "stage", "-candidate_created_at", "candidate"],
                name="application_position_stage_new",
            ),
        ),
        RemoveIndexWithoutLocking(model_name="application", name="application_stage_candidate"),
        RemoveIndexWithoutLocking(model_name="application", name="application_position_stage"),
    ]
