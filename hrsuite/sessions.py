"""Sessions in the database, as Django's own engine keeps them, read with one written-out query.

Every signed-in page reads its session first. Built by the ORM, that read cost a request more to
build than to run (its session key and expiry are the only things that change); here it is the
same SELECT, written out. Everything else (saving, expiry, cycling keys) is Django's engine.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        table, data, key, expires = (
            connection.ops.quote_name(name)
            for name in (
                model._meta.db_table,
                *(
                    model._meta.get_field(field).column
                    for field in ("session_data", "session_key", "expire_date")
                ),
            )
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",  # noqa: S608 - the model's names
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
