"""Candidates' names and prior records' titles and ratings are personal data: encrypted in place,
and each name indexed by the blind index of its tokens, which HR's name search reads."""

import django.db.models.deletion
from django.db import migrations, models

import hrsuite.fields
from candidates import names
from hrsuite.migration_operations import EncryptFields

BATCH = 1000


def index_names(apps, schema_editor):
    """The tokens of every name, read while it is still plain (`candidates.names`, as the
    candidate services write them)."""
    Candidate = apps.get_model("candidates", "Candidate")
    CandidateNameToken = apps.get_model("candidates", "CandidateNameToken")
    using = schema_editor.connection.alias
    rows = Candidate.objects.using(using).order_by("pk")
    last = None
    while True:
        batch = list((rows if last is None else rows.filter(pk__gt=last)).values_list("pk", "full_name")[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        CandidateNameToken.objects.using(using).bulk_create(
            CandidateNameToken(candidate_id=pk, token=names.token_index(token))
            for pk, full_name in batch
            for token in sorted(names.name_tokens(full_name))
        )


class Migration(migrations.Migration):

    dependencies = [
        ('candidates', '0008_application_candidate_created_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='CandidateNameToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=64)),
                ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_tokens', to='candidates.candidate')),
            ],
            options={
                'verbose_name': 'candidate name token',
                'verbose_name_plural': 'candidate name tokens',
                'constraints': [models.UniqueConstraint(fields=('token', 'candidate'), name='candidate_name_token_once')],
            },
        ),
        # Backwards, the table goes with its tokens.
        migrations.RunPython(index_names, migrations.RunPython.noop),
        EncryptFields(
            'candidate',
            [('full_name', hrsuite.fields.EncryptedTextField(blank=True, default='', verbose_name='full name'))],
        ),
        EncryptFields(
            'priorrecord',
            [
                ('title', hrsuite.fields.EncryptedTextField(blank=True, default='', verbose_name='title')),
                ('rating', hrsuite.fields.EncryptedTextField(blank=True, default='', verbose_name='rating')),
            ],
        ),
    ]
