"""Candidates' portal accounts no longer keep a copy of the candidate's name: it was plain text
beside the encrypted one on their record. The header now says "My account" for them."""

from django.db import migrations


def forget_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(groups__name="candidate").update(first_name="", last_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forget_names, migrations.RunPython.noop)]
