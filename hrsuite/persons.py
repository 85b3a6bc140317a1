"""Person keys: each person's data key, kept in a database of its own (docs/architecture.md,
"Person keys").

A row that holds a person's data names them with `data_subject`, a lookup from the row to their id
("id" on the person's own row, "application__candidate_id" on an application's). Its encrypted
fields are sealed under that person's data key, which `sealing_key` makes at the first value
sealed for them. Erasing the person destroys the key (`person_key_destroy`): every value sealed
under it, in the database and in every dump or backup of it, is unreadable from then on.

Keys are read in bulk: each encrypted value loaded from the database notes the person it is
sealed for, and the first value decrypted fetches the keys of every person noted since, in one
query. A process keeps a key it read for at most `REMEMBERED_SECONDS`, and forgets every key at
the start of each request and task, so a key destroyed elsewhere stops being used within that.
"""

import base64
import os
import threading
import time
import uuid

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from hrsuite import crypto
from hrsuite.errors import ApplicationError

KEY_STORE = "keys"
# The model in the key store, as `app_label.model_name`.
_PERSON_KEY = ("hrsuite", "personkey")
REMEMBERED_SECONDS = 10.0
# Keys fetched in one query at most (the parameters of one IN), and remembered at most.
_FETCHED_AT_ONCE = 500
_REMEMBERED_AT_MOST = 10_000


class PersonErased(ApplicationError):
    """Something was to be stored for a person who has been erased."""

    status_code = 410
    code = "person_erased"


class KeyStoreRouter:
    """The person keys live in the key store and nothing else does."""

    def _store_of(self, model) -> str | None:
        return KEY_STORE if (model._meta.app_label, model._meta.model_name) == _PERSON_KEY else None

    def db_for_read(self, model, **hints):
        return self._store_of(model)

    def db_for_write(self, model, **hints):
        return self._store_of(model)

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        is_key = (app_label, model_name) == _PERSON_KEY
        return is_key if db == KEY_STORE else not is_key


def person_key_model() -> type[models.Model]:
    return apps.get_model(*_PERSON_KEY)


def subject_of(instance: models.Model):
    """The id of the person whose data `instance` holds, following its model's `data_subject`
    lookup along the instance's relations; None for a row that holds no one's."""
    lookup = getattr(type(instance), "data_subject", None)
    if lookup is None:
        return None
    value = instance
    for part in lookup.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value


def holds_personal_data(model: type[models.Model]) -> bool:
    return getattr(model, "data_subject", None) is not None


def hex_of(person) -> str:
    return person.hex if isinstance(person, uuid.UUID) else uuid.UUID(str(person)).hex


class _Remembered(threading.local):
    def __init__(self):
        # person (hex) -> (data key, or None once erased; when it was read)
        self.keys: dict[str, tuple[bytes | None, float]] = {}
        # persons whose values were loaded and whose keys are not remembered yet
        self.noted: set[str] = set()


_remembered = _Remembered()


def forget(**_signal) -> None:
    """Forget every key this thread read: at the start of each request and task, and in tests."""
    _remembered.keys.clear()
    _remembered.noted.clear()


def noted(person: str) -> None:
    """A value sealed for `person` was loaded: their key is fetched with the next one needed."""
    if person not in _remembered.keys and len(_remembered.noted) < _FETCHED_AT_ONCE:
        _remembered.noted.add(person)


def _fresh(person: str) -> tuple[bytes | None, float] | None:
    entry = _remembered.keys.get(person)
    if entry is not None and time.monotonic() - entry[1] > REMEMBERED_SECONDS:
        del _remembered.keys[person]
        return None
    return entry


def data_key(person: str) -> bytes:
    """The data key of `person` (32 hex digits), for decrypting; `crypto.Erased` once they were erased."""
    entry = _fresh(person)
    if entry is not None:
        key = entry[0]
    else:
        wanted = _remembered.noted | {person}
        _remembered.noted = set()
        found = _fetch(wanted)
        if person not in found:
            raise crypto.DecryptionError("No data key for the person this value is sealed for.")
        key = found[person]
    if key is None:
        raise crypto.Erased("The person this value was sealed for has been erased.")
    return key


def _fetch(persons: set[str]) -> dict[str, bytes | None]:
    """The keys of those persons who have one (None for the erased), read and remembered."""
    PersonKey = person_key_model()
    if len(_remembered.keys) > _REMEMBERED_AT_MOST:  # a long command reading person after person
        _remembered.keys.clear()
    found = {}
    wanted = sorted(persons)
    for start in range(0, len(wanted), _FETCHED_AT_ONCE):
        for row in PersonKey.objects.filter(person__in=wanted[start : start + _FETCHED_AT_ONCE]):
            found[row.person.hex] = None if row.erased_at else base64.b64decode(row.key)
    now = time.monotonic()
    _remembered.keys.update((person, (key, now)) for person, key in found.items())
    return found


def sealing_key(person) -> tuple[str, bytes]:
    """The person's id (32 hex digits) and data key, for sealing a value of theirs: made and stored
    in the key store at the first value sealed for them. Refused (`PersonErased`) once they were
    erased.

    The key store commits a new key at once, whatever becomes of the transaction that sealed
    with it: a value sealed under it and committed always finds its key. A key whose values were
    rolled back is left unused; the next value sealed for the same person uses it."""
    person = hex_of(person)
    key = sealing_keys({person})[person]
    if key is None:
        raise PersonErased(gettext("This person's data has been erased; nothing more is kept for them."))
    return person, key


def sealing_keys(wanted: set[str]) -> dict[str, bytes | None]:
    """The data keys of persons (32 hex digits each), made for those who have none yet, in a few
    queries; None for a person who was erased."""
    keys = {}
    for person in wanted:
        entry = _fresh(person)
        if entry is not None:
            keys[person] = entry[0]
    if missing := wanted - keys.keys():
        keys.update(_fetch(missing))
    if missing := wanted - keys.keys():
        PersonKey = person_key_model()
        made = [
            PersonKey(person=uuid.UUID(person), key=base64.b64encode(os.urandom(32)).decode())
            for person in sorted(missing)
        ]
        # Two first values sealed at once for one person make one key: the second insert does
        # nothing and both read the key that was stored.
        PersonKey.objects.bulk_create(made, ignore_conflicts=True)
        keys.update(_fetch(missing))
    return keys


def person_key_destroy(person) -> None:
    """Destroy the person's data key, for good: every value sealed under it becomes unreadable.
    The row stays, empty, so that values sealed for the person read as erased rather than as
    damaged, and nothing is sealed for them again; a person with no key yet gets such a row."""
    PersonKey = person_key_model()
    person = uuid.UUID(hex_of(person))
    now = timezone.now()
    PersonKey.objects.bulk_create([PersonKey(person=person, key="", erased_at=now)], ignore_conflicts=True)
    PersonKey.objects.filter(person=person, erased_at__isnull=True).update(key="", erased_at=now)
    _remembered.keys[person.hex] = (None, time.monotonic())
