"""DRF's authtoken table kept each token's key as it is. Each key becomes an ApiToken holding
only its digest, valid for HRSUITE_API_TOKEN_DAYS from now (so scripts and integrations keep
working while new tokens are taken), and the table with the plain keys is dropped (with authtoken's migration records).

The authtoken app is no longer installed, so its table is read with SQL, where it exists (a
database made after this change never had one)."""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TABLE = "authtoken_token"


def hash_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    api_token = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {TABLE}")  # noqa: S608 - a constant
        rows = cursor.fetchall()
    expires_at = timezone.now() + timedelta(days=settings.HRSUITE_API_TOKEN_DAYS)
    for key, user_id, created in rows:
        token = api_token.objects.create(
            id=uuid.uuid4(),
            user_id=user_id,
            prefix=key[:8],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            expires_at=expires_at,
        )
        # auto_now_add stamped the migration's time; the token is as old as the key.
        api_token.objects.filter(pk=token.pk).update(created_at=created)
    schema_editor.execute(f"DROP TABLE {TABLE}")
    # As if authtoken had never been installed: a later install would otherwise skip its tables.
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_token"),
    ]

    # The plain keys are gone once this has run: going back leaves the hashed tokens as they are.
    operations = [migrations.RunPython(hash_authtoken_keys, migrations.RunPython.noop)]
