"""Production: PostgreSQL and Redis, HTTPS only; refuses to start without its secrets."""

import base64
import binascii

from django.core.checks.security.base import SECRET_KEY_INSECURE_PREFIX, _check_secret_key
from django.core.exceptions import ImproperlyConfigured

from hrsuite.crypto import KeyRing

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CELERY_BROKER_URL,
    DATABASES,
    HRSUITE_AUDIT_KEY,
    HRSUITE_BLIND_INDEX_KEY,
    HRSUITE_ENCRYPTION_KEYS,
    SECRET_KEY,
    env,
)

# Words that mark a value somebody typed or copied from documentation, never a generated key. None
# is likely inside a random key: a run of five x's turns up in about one in 500,000 keys of 67
# characters. Letter case is ignored.
_PLACEHOLDER_WORDS = (
    "change-me",
    "change_me",
    "changeme",
    "replace",
    "placeholder",
    "example",
    "secret",
    "insecure",
    "password",
    "xxxxx",
)
# Django's own check asks for 5; a key typed by a person repeats its few letters. A hex key (16
# symbols) has all of them within its first 64 characters.
_SECRET_KEY_MIN_DISTINCT = 10


def _secret_key_problem(value: str) -> str:
    """Why DJANGO_SECRET_KEY is not a usable signing key ('' when it is): Django's deploy check
    (length, distinct characters, its own "django-insecure-" development key), which only warns,
    and a key that looks typed rather than generated."""
    lowered = value.casefold()
    if not _check_secret_key(value) or lowered.startswith(SECRET_KEY_INSECURE_PREFIX):
        return "at least 50 random characters"
    if len(set(value)) < _SECRET_KEY_MIN_DISTINCT:
        return f"random characters: it has fewer than {_SECRET_KEY_MIN_DISTINCT} different ones"
    word = next((word for word in _PLACEHOLDER_WORDS if word in lowered), "")
    if word:
        return f'a random value, not a placeholder (it contains "{word}")'
    return ""


# base.py already fails on a missing variable; these also catch empty values and the placeholders
# of .env.example, so a half-edited env file stops the deploy instead of weakening it.
if _problem := _secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(
        f"Set DJANGO_SECRET_KEY to {_problem}; generate one with python3 config/devenv.py."
    )
try:
    KeyRing.parse(HRSUITE_ENCRYPTION_KEYS)
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(f"Invalid HRSUITE_ENCRYPTION_KEYS: {exc}") from exc
for _name, _value in (
    ("HRSUITE_BLIND_INDEX_KEY", HRSUITE_BLIND_INDEX_KEY),
    ("HRSUITE_AUDIT_KEY", HRSUITE_AUDIT_KEY),
):
    try:
        _key = base64.b64decode(_value, validate=True)
    except binascii.Error:
        _key = b""
    if len(_key) < 32:
        raise ImproperlyConfigured(f"Set {_name} to a base64-encoded random key of at least 32 bytes.")
# Links in e-mails carry credentials (signed consent and interview links): HTTPS only, and no
# default that would point candidates at the wrong host.
HRSUITE_PUBLIC_URL = env("HRSUITE_PUBLIC_URL", default="")
if not HRSUITE_PUBLIC_URL.startswith("https://"):
    raise ImproperlyConfigured("Set HRSUITE_PUBLIC_URL to the site's https:// address (links in e-mails).")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS: production serves only the hosts it is told to.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Set DATABASE_URL to a PostgreSQL database in production.")
if DATABASES["keys"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Set KEYS_DATABASE_URL to a PostgreSQL database in production.")
if all(DATABASES["keys"].get(part) == DATABASES["default"].get(part) for part in ("HOST", "PORT", "NAME")):
    raise ImproperlyConfigured("KEYS_DATABASE_URL must name a database of its own, not DATABASE_URL's.")
# The filesystem broker only works when web, worker and beat share one disk; containers do not.
if CELERY_BROKER_URL.startswith("filesystem"):
    raise ImproperlyConfigured("Set REDIS_URL (or CELERY_BROKER_URL) to the Redis broker in production.")

# Rate limits must hold across every web process: one cache in Redis (the broker's, unless
# CACHE_URL names another).
CACHES = {"default": env.cache("CACHE_URL", default=CELERY_BROKER_URL)}
if CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
    raise ImproperlyConfigured("Set CACHE_URL (or REDIS_URL) to a redis:// cache in production.")
# A Redis that hangs instead of refusing must not hold a request: past this many seconds the
# cache counts as down and its users take their fallbacks.
CACHES["default"].setdefault("OPTIONS", {}).update(
    socket_connect_timeout=env.float("CACHE_TIMEOUT_SECONDS", default=1.0),
    socket_timeout=env.float("CACHE_TIMEOUT_SECONDS", default=1.0),
)

DEBUG = False
for _database in (DATABASES["default"], DATABASES["keys"]):
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A persistent connection is checked before a request reuses it after an error, so one that a
    # restart of PostgreSQL killed is replaced rather than failing the requests after the outage.
    _database["CONN_HEALTH_CHECKS"] = True
    # An unreachable host (packets dropped, not refused) fails the request after this many seconds
    # (503, "Degraded modes"), not after the system's TCP timeout of minutes.
    _database.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="hrsuite@localhost")
