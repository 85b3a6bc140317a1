"""A full dump of the test database, as a stolen backup would hold it."""

import os
import subprocess

from django.db import connection


def database_dump() -> str:
    """The main database as SQL: `pg_dump` on PostgreSQL, the connection's own dump on SQLite.
    Needs the data committed (a `transactional_db` test) on PostgreSQL."""
    if connection.vendor == "sqlite":
        # The test database lives in memory: only this connection can see it.
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    assert connection.vendor == "postgresql"
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--no-owner", "--dbname", db["NAME"]]
    for option, value in (
        ("--host", db.get("HOST")),
        ("--port", db.get("PORT")),
        ("--username", db.get("USER")),
    ):
        if value:
            command += [option, str(value)]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
