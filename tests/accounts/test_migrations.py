"""Data migrations of the accounts app, run on rows written before them."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken

BEFORE = ("accounts", "0002_api_token")
AFTER = ("accounts", "0003_hash_authtoken_keys")
PLAIN_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


@pytest.mark.django_db(transaction=True)
def test_plain_authtoken_keys_become_digests_and_their_table_is_dropped(api, interviewer):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        # The table DRF's authtoken app made, with one key stored as it is.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone"
                " NOT NULL, user_id bigint NOT NULL UNIQUE)"
            )
            cursor.execute(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                [PLAIN_KEY, timezone.now(), interviewer.pk],
            )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=interviewer)
    assert token.digest == hashlib.sha256(PLAIN_KEY.encode()).hexdigest()
    assert token.expires_at > timezone.now()
    # The script holding the old key keeps working until the token expires.
    api.credentials(HTTP_AUTHORIZATION=f"Token {PLAIN_KEY}")
    assert api.get(reverse("me")).json()["username"] == interviewer.username
