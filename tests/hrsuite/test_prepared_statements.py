"""On PostgreSQL a query that runs again and again on one connection is prepared, so its plan is
reused; DATABASE_PREPARED_STATEMENTS=false turns that off for poolers that cannot keep them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User
from tests.factories import UserFactory

REPO_ROOT = Path(__file__).resolve().parents[2]


def _prepared_user_reads() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "accounts_user" WHERE "accounts_user"."id" = $1 LIMIT 21'],
        )
        return cursor.fetchone()[0]


@pytest.mark.services
@pytest.mark.django_db
def test_a_query_run_again_on_one_connection_is_prepared():
    assert connection.vendor == "postgresql"
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        pytest.skip("DATABASE_PREPARED_STATEMENTS=false")
    user = UserFactory()
    # psycopg prepares a query after five runs on the connection.
    for _ in range(7):
        assert User.objects.get(pk=user.pk) == user
    assert _prepared_user_reads() == 1


def _database_options(**environment: str) -> dict:
    """The database OPTIONS the settings give a fresh process with `environment` added."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={
            **{name: value for name, value in os.environ.items() if name != "DATABASE_PREPARED_STATEMENTS"},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_prepared_statements_are_on_for_postgresql_unless_turned_off():
    postgres = "postgres://postgres@127.0.0.1:5432/test"
    assert _database_options(DATABASE_URL=postgres) == {"server_side_binding": True, "prepare_threshold": 5}
    assert _database_options(DATABASE_URL=postgres, DATABASE_PREPARED_STATEMENTS="false") == {}
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:///unused.sqlite3")
