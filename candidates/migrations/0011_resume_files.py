"""Résumé files: PDF or DOCX, encrypted under the candidate's key, their text read in the background
(docs/architecture.md, "Résumé files")."""

import django.db.models.deletion
import hrsuite.fields
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('candidates', '0010_candidate_erased_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ResumeFile',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('original_filename', hrsuite.fields.EncryptedTextField(blank=True, default='', verbose_name='file name')),
                ('content_type', models.CharField(max_length=100, verbose_name='type')),
                ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                ('sha256', hrsuite.fields.EncryptedTextField(blank=True, default='', verbose_name='SHA-256')),
                ('content_base64', hrsuite.fields.EncryptedTextField(blank=True, default='')),
                ('status', models.CharField(choices=[('pending', 'Text not read yet'), ('reading', 'Text being read'), ('extracted', 'Text extracted'), ('no_text', 'No text could be extracted')], default='pending', max_length=16, verbose_name='text')),
                ('problem', models.CharField(blank=True, choices=[('no_text_layer', 'The file holds no text, only images (a scan, say).'), ('encrypted', 'The file is protected by a password.'), ('damaged', 'The file could not be read.')], max_length=16, verbose_name='why no text')),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField()),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('extracted_at', models.DateTimeField(blank=True, null=True, verbose_name='text read at')),
                ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resume_files', to='candidates.candidate')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'résumé file',
                'verbose_name_plural': 'résumé files',
                'indexes': [models.Index(fields=['candidate', '-created_at', '-id'], name='resume_file_newest'), models.Index(fields=['status', 'next_attempt_at'], name='resume_file_claim_order')],
            },
        ),
    ]
