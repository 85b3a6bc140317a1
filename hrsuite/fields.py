"""Model fields whose values are encrypted at rest (see `hrsuite.crypto`).

Values are decrypted lazily, on first attribute access, because the row id is part of the
associated data and a list page should not pay for fields it does not show. Writes happen only
through `Model.save()`, where the row is known; a queryset `update()` or a lookup with a plain value
is refused, since it could not bind the ciphertext to its row.

A row that holds a person's data (its model names them with `data_subject`) is sealed under that
person's own key (`hrsuite.persons`); once they are erased its values read as `Erased` values: empty,
and known to be erased.
"""

import json
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from hrsuite import crypto, persons


class Ciphertext(str):
    """A value as loaded from the database, not decrypted yet."""


class Erased(str):
    """What an encrypted text field reads once its person was erased: empty, and known to be erased."""


def is_erased(value) -> bool:
    return isinstance(value, Erased)


class Sealed:
    """A value already encrypted for its row, ready to be written as it is."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token


class EncryptedAttribute(DeferredAttribute):
    """A data descriptor (unlike Django's default), so reads always pass through `__get__`."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = self.field.decrypt_for(instance, value)
            instance.__dict__[self.field.attname] = value
        return value


class SealedForPersonField(models.TextField):
    """Text its owner sealed under a person's key (`crypto.encrypt_for_person`), kept as it is and
    opened by the owner, who binds it as it chooses (an audit event's personal values, which are
    sealed before the event has an id). Loading it notes the person, so their key is fetched
    with the others loaded (`hrsuite.persons`)."""

    def from_db_value(self, value, expression, connection):
        if value and (person := crypto.person_of(value)) is not None:
            persons.noted(person)
        return value


class EncryptedTextField(models.TextField):
    descriptor_class = EncryptedAttribute

    def __init__(self, *args, sealed_as: str = "", **kwargs):
        """`sealed_as`: the model label ("app.model") the ciphertext is bound to, when not the
        model's own: a model moved to another app keeps the label its rows were sealed under."""
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        self.sealed_as = sealed_as
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        if self.sealed_as:
            kwargs["sealed_as"] = self.sealed_as
        return name, f"hrsuite.fields.{type(self).__name__}", args, kwargs

    # Hooks for typed subclasses.
    def encode(self, value: Any) -> str:
        return value

    def decode(self, text: str) -> Any:
        return text

    def is_empty(self, value: Any) -> bool:
        return value in (None, "")

    def aad_for(self, row_id: object) -> bytes:
        return crypto.associated_data(self.sealed_as or self.model._meta.label_lower, self.name, row_id)

    def erased_value(self) -> Any:
        return Erased()

    def seal(self, value: Any, *, row_id: object, person: object = None) -> Sealed:
        """Sealed for its row: under the data key of `person`, the person whose data the row holds,
        or, for a row that holds no one's, under the keyring."""
        if self.is_empty(value):
            return Sealed("")
        aad = self.aad_for(row_id)
        if person is None:
            return Sealed(crypto.encrypt(self.encode(value), aad=aad))
        person_hex, key = persons.sealing_key(person)
        return Sealed(crypto.encrypt_for_person(self.encode(value), aad=aad, person=person_hex, key=key))

    def decrypt_for(self, instance: models.Model, token: str) -> Any:
        return self.decrypt_value(token, row_id=instance.pk)

    def decrypt_value(self, value: Any, *, row_id: object) -> Any:
        """What `value`, this field's value on the row `row_id` as `values()` or `values_list()`
        loaded it, reads as: decrypted as an attribute reads it (an erased person's as
        `erased_value()`, the keys of every value loaded since fetched together); an empty or
        already decrypted value as it is."""
        if not isinstance(value, Ciphertext):
            return value
        try:
            return self.decode(crypto.decrypt(value, aad=self.aad_for(row_id), person_key=persons.data_key))
        except crypto.Erased:
            return self.erased_value()

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return self.decode("") if value == "" else None
        person = crypto.person_of(value)
        if person is not None:
            persons.noted(person)
        return Ciphertext(value)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Ciphertext):
            return Sealed(str(value))
        if model_instance.pk is None:
            raise ValueError(f"{self.model.__name__} needs its primary key before {self.name} is sealed.")
        if self.is_empty(value):
            return Sealed("")
        return self.seal(value, row_id=model_instance.pk, person=persons.subject_of(model_instance))

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        if isinstance(value, Ciphertext):
            return str(value)
        if self.is_empty(value):
            # Emptiness is not a secret: a column's default (e.g. when a migration adds it) is "".
            return ""
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: write it with save() on the row, "
            "and look rows up through a blind index, not by its value."
        )


class EncryptedJSONField(EncryptedTextField):
    """Structured personal data (e.g. evidence quotes with timestamps), encrypted as JSON."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def encode(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def decode(self, text: str) -> Any:
        return json.loads(text) if text else self.get_default()

    def erased_value(self) -> Any:
        return self.get_default()

    def is_empty(self, value: Any) -> bool:
        return value is None or value == {} or value == []
