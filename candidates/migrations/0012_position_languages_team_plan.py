"""A position's title per language (the title it had becomes the English one, and a Chinese part
written beside it the Chinese one), its headcount, hiring team, interview plan and dimension
labels. Dimension weights stay as they were: labels are optional, and a dimension without one is
named as before (`candidates.dimensions`)."""

import re

from django.conf import settings
from django.db import migrations, models

# "Senior Backend Engineer · 高级后端工程师": an English title and its Chinese one, as positions
# were named before each language had its own.
SEPARATOR = " · "
CHINESE = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
BATCH = 500


def split_titles(apps, schema_editor):
    Position = apps.get_model("candidates", "Position")
    rows = Position.objects.using(schema_editor.connection.alias).order_by("pk")
    for position in rows.only("pk", "title_en").iterator(chunk_size=BATCH):
        title = position.title_en
        english, _, chinese = title.rpartition(SEPARATOR)
        if english and CHINESE.search(chinese) and not CHINESE.search(english):
            changes = {"title_en": english.strip(), "title_zh_hans": chinese.strip()}
        elif CHINESE.search(title) and not LATIN.search(title):
            changes = {"title_en": "", "title_zh_hans": title}
        else:
            continue
        rows.filter(pk=position.pk).update(**changes)


def join_titles(apps, schema_editor):
    Position = apps.get_model("candidates", "Position")
    rows = Position.objects.using(schema_editor.connection.alias).order_by("pk")
    for position in rows.only("pk", "title_en", "title_zh_hans").iterator(chunk_size=BATCH):
        if position.title_zh_hans:
            parts = [part for part in (position.title_en, position.title_zh_hans) if part]
            rows.filter(pk=position.pk).update(title_en=SEPARATOR.join(parts)[:200], title_zh_hans="")


class Migration(migrations.Migration):

    dependencies = [
        ('candidates', '0011_resume_files'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='position', old_name='title', new_name='title_en'),
        migrations.AlterField(
            model_name='position',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='title (English)'),
        ),
        migrations.AddField(
            model_name='position',
            name='title_zh_hans',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='title (Chinese)'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='position',
            name='headcount',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='headcount'),
        ),
        migrations.AddField(
            model_name='position',
            name='owner',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name='+',
                to=settings.AUTH_USER_MODEL,
                verbose_name='owner',
            ),
        ),
        migrations.AddField(
            model_name='position',
            name='interviewers',
            field=models.ManyToManyField(
                blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='interviewer pool'
            ),
        ),
        migrations.AddField(
            model_name='position',
            name='interview_plan',
            field=models.JSONField(default=list, verbose_name='interview plan'),
        ),
        migrations.AddField(
            model_name='position',
            name='dimension_labels',
            field=models.JSONField(default=dict, verbose_name='dimension labels'),
        ),
        migrations.AlterModelOptions(
            name='position',
            options={
                'ordering': ['title_en', 'title_zh_hans'],
                'verbose_name': 'position',
                'verbose_name_plural': 'positions',
            },
        ),
        migrations.RunPython(split_titles, join_titles, elidable=False),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(
                condition=models.Q(('headcount__gte', 1), ('headcount__lte', 1000)), name='position_headcount_range'
            ),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(('title_en', ''), _negated=True), models.Q(('title_zh_hans', ''), _negated=True), _connector='OR'),
                name='position_has_a_title',
            ),
        ),
    ]
