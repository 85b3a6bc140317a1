"""Where a candidate consented from (address and browser) and the provider's technical details of
an incident (which can name the candidate's network) are personal data: encrypted in place."""

from django.db import migrations

import hrsuite.fields
from hrsuite.migration_operations import EncryptFields


class Migration(migrations.Migration):

    dependencies = [
        ('interviews', '0022_tally_rows'),
    ]

    operations = [
        EncryptFields(
            'consent',
            [
                ('ip', hrsuite.fields.EncryptedTextField(blank=True, default='')),
                ('user_agent', hrsuite.fields.EncryptedTextField(blank=True, default='')),
            ],
        ),
        EncryptFields('incident', [('details', hrsuite.fields.EncryptedJSONField(blank=True, default=dict))]),
    ]
