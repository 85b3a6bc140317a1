"""An offer's place of work and the name a new hire's document had on their computer are personal
data: encrypted in place. The document's own name (`filename`) is ours and stays plain."""

from django.db import migrations

import hrsuite.fields
from hrsuite.migration_operations import EncryptFields


class Migration(migrations.Migration):

    dependencies = [
        ('onboarding', '0005_verbose_names'),
    ]

    operations = [
        EncryptFields(
            'offer',
            [('location', hrsuite.fields.EncryptedTextField(blank=True, default='', verbose_name='location'))],
        ),
        EncryptFields(
            'onboardingdocument',
            [('original_filename', hrsuite.fields.EncryptedTextField(blank=True, default=''))],
        ),
    ]
