"""A scope's first view asks for its dashboard counts with a row that has none yet, which beat
counts, instead of counting in the view."""

import django.core.serializers.json
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0002_summary_recount")]

    operations = [
        migrations.AlterField(
            model_name="dashboardsummary",
            name="counted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="counted at"),
        ),
        migrations.AlterField(
            model_name="dashboardsummary",
            name="counts",
            field=models.JSONField(
                blank=True,
                encoder=django.core.serializers.json.DjangoJSONEncoder,
                null=True,
                verbose_name="counts",
            ),
        ),
    ]
