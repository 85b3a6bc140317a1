"""A blind index of each candidate's phone number, which HR's search finds them by
(docs/architecture.md, "Finding candidates"), filled for the candidates there are: their numbers
are read as stored (sealed under each person's key) and opened as the field opens them, the
index written as the candidate services write it."""

from django.db import migrations, models

from candidates.services.candidates import phone_index

BATCH = 1000


def index_phones(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    using = schema_editor.connection.alias
    phone = Candidate._meta.get_field("phone")
    # An erased person's number reads as erased: they keep no index.
    rows = Candidate.objects.using(using).filter(erased_at__isnull=True).order_by("pk")
    last = None
    while True:
        after = rows if last is None else rows.filter(pk__gt=last)
        batch = list(after.values_list("pk", "phone")[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        indexed = [
            Candidate(pk=pk, phone_index=phone_index(phone.decrypt_value(value, row_id=pk)))
            for pk, value in batch
            if value
        ]
        Candidate.objects.using(using).bulk_update(indexed, ["phone_index"])


class Migration(migrations.Migration):

    dependencies = [
        ('candidates', '0014_application_intake'),
    ]

    operations = [
        migrations.AddField(
            model_name='candidate',
            name='phone_index',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name='candidate',
            index=models.Index(fields=['phone_index'], name='candidate_phone_index'),
        ),
        # Backwards, the column goes with its values.
        migrations.RunPython(index_phones, migrations.RunPython.noop),
    ]
