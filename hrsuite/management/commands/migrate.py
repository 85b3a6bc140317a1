"""`manage.py migrate` on the key store too (docs/architecture.md, "Person keys").

Django's command migrates one database, the main one unless `--database` names another. The person
keys live in a database of their own, which must never be left behind: without `--database`, this
migrates the main database and then the key store. Where the key store is the database beside the
main one (no KEYS_DATABASE_URL) on PostgreSQL and does not exist yet, it is created first, on the
same server and with the same credentials; a key store named by KEYS_DATABASE_URL is the
operator's to create.
"""

import os

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import OperationalError

from hrsuite.persons import KEY_STORE


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Without --database: the main database, then the key store."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options):
        return {**super().get_check_kwargs(options), "databases": [options["database"] or DEFAULT_DB_ALIAS]}

    def handle(self, *args, **options):
        if options["database"] is not None:
            return super().handle(*args, **options)
        super().handle(*args, **{**options, "database": DEFAULT_DB_ALIAS})
        _create_key_store_beside_the_main_database()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING("The key store:"))
        return super().handle(*args, **{**options, "database": KEY_STORE})


def _create_key_store_beside_the_main_database() -> None:
    store = connections[KEY_STORE]
    if store.vendor != "postgresql" or "KEYS_DATABASE_URL" in os.environ:
        return
    try:
        store.ensure_connection()
    except OperationalError:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [store.settings_dict["NAME"]])
            if cursor.fetchone() is not None:
                raise  # it exists: the failure is of another kind
            cursor.execute(f"CREATE DATABASE {store.ops.quote_name(store.settings_dict['NAME'])}")
