"""AES-256-GCM for personal data at rest, and the HMAC blind index used to look values up.

A stored value reads `v1:<key id>:<base64(nonce + ciphertext + tag)>`, sealed under a key of the
keyring, or `p1:<person>:<base64(...)>`, sealed under that person's own data key (`hrsuite.persons`;
docs/architecture.md, "Person keys"). The associated data binds the ciphertext to one model, field
and row, so a value copied into another row or column fails to decrypt instead of being shown as
someone else's data.
"""

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
PERSON_VERSION = "p1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key, wrong key, tampered or moved value."""


class Erased(DecryptionError):
    """The value was sealed under the key of a person who has been erased: it is gone for good."""


@dataclass(frozen=True)
class KeyRing:
    primary_id: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, spec: str) -> "KeyRing":
        keys: dict[str, bytes] = {}
        primary_id = ""
        for entry in filter(None, (part.strip() for part in spec.split(","))):
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id:
                raise ImproperlyConfigured("HRSUITE_ENCRYPTION_KEYS entries must read 'key_id:base64key'.")
            try:
                key = base64.b64decode(encoded, validate=True)
            except binascii.Error as exc:
                raise ImproperlyConfigured(f"Encryption key {key_id!r} is not base64.") from exc
            if len(key) != 32:
                raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes (AES-256).")
            if key_id in keys:
                raise ImproperlyConfigured(f"Encryption key id {key_id!r} appears twice.")
            keys[key_id] = key
            primary_id = primary_id or key_id
        if not keys:
            raise ImproperlyConfigured("HRSUITE_ENCRYPTION_KEYS holds no key.")
        return cls(primary_id=primary_id, keys=keys)


@cache
def _keyring(spec: str) -> KeyRing:
    return KeyRing.parse(spec)


def keyring() -> KeyRing:
    return _keyring(settings.HRSUITE_ENCRYPTION_KEYS)


def associated_data(label: str, field: str, row_id: object) -> bytes:
    return f"{label}|{field}|{row_id}".encode()


def encrypt(plaintext: str, *, aad: bytes, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.primary_id]).encrypt(nonce, plaintext.encode(), aad)
    return f"{VERSION}:{ring.primary_id}:{base64.b64encode(nonce + sealed).decode()}"


def encrypt_for_person(plaintext: str, *, aad: bytes, person: str, key: bytes) -> str:
    """Sealed under the data key of `person` (their id as 32 hex digits)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), aad)
    return f"{PERSON_VERSION}:{person}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    """The keyring's key id a value is sealed under; a person's id for a value under a person key."""
    return _split(token)[1]


def person_of(token: str) -> str | None:
    """The person (32 hex digits) whose key a value is sealed under, or None for the keyring."""
    if token.startswith(PERSON_VERSION + ":"):
        return token[len(PERSON_VERSION) + 1 : len(PERSON_VERSION) + 33]
    return None


def decrypt(
    token: str,
    *,
    aad: bytes,
    ring: KeyRing | None = None,
    person_key: Callable[[str], bytes] | None = None,
) -> str:
    """The plaintext of `token`. A value under a person's key needs `person_key`, which gives the
    data key of a person, or raises `Erased`."""
    version, key_id, blob = _split(token)
    if version == PERSON_VERSION:
        if person_key is None:
            raise DecryptionError("Stored value is sealed under a person's key, and none was given.")
        key = person_key(key_id)
    else:
        ring = ring or keyring()
        key = ring.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"No key with id {key_id!r} in the key ring.")
    try:
        plaintext = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise DecryptionError(
            "Stored value failed authentication: wrong key, or the value was altered or moved."
        ) from exc
    return plaintext.decode()


def _split(token: str) -> tuple[str, str, bytes]:
    version, _, rest = token.partition(":")
    key_id, _, encoded = rest.partition(":")
    if version not in (VERSION, PERSON_VERSION) or not key_id or not encoded:
        raise DecryptionError("Stored value is not an hrsuite ciphertext.")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise DecryptionError("Stored value is not valid base64.") from exc
    if len(blob) <= NONCE_BYTES + 16:
        raise DecryptionError("Stored value is too short to be a ciphertext.")
    return version, key_id, blob


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for equality look-ups; `purpose` keeps indexes of different fields apart."""
    key = base64.b64decode(settings.HRSUITE_BLIND_INDEX_KEY)
    message = f"{purpose}|{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
