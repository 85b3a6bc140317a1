"""Test settings: fresh random keys per run, fast hashing, PostgreSQL/Redis when their URLs are set."""

import base64
import os
import secrets
from urllib.parse import urlsplit


def _random_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


# Set in the environment, not only here, so a Celery worker the tests start shares the keys.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("HRSUITE_ENCRYPTION_KEYS", f"k2:{_random_key()},k1:{_random_key()}")
os.environ.setdefault("HRSUITE_BLIND_INDEX_KEY", _random_key())
os.environ.setdefault("HRSUITE_AUDIT_KEY", _random_key())
os.environ.setdefault("HRSUITE_WEBHOOK_SECRETS", f"simulated:{_random_key()},check_simulated:{_random_key()}")


def _redis_url_of_this_worker(url: str, worker: str) -> str:
    """Under pytest-xdist ("gw0", "gw1", ...) each worker process takes the Redis database after
    the one the suite was given, plus its number: the broker tests flush their own database, which
    must not be another worker's."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + 1 + int(worker.removeprefix("gw"))
    return parts._replace(path=f"/{number}").geturl()


if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_url_of_this_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every commit links its audit events at once, so a test reads the chain as it stands; the pacing
# of production's chainer has tests of its own (tests/audit/test_chainer.py).
HRSUITE_AUDIT_CHAIN_SECONDS = env.float("HRSUITE_AUDIT_CHAIN_SECONDS", default=0)  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# In memory unless a test (or the worker it starts) points at its SMTP server through the environment.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The tests' HTTP receivers listen on 127.0.0.1, which provisioning refuses by default.
HRSUITE_PROVISIONING_ALLOWED_NETWORKS = ["127.0.0.1/32"]
# Static files come from the apps' folders; no collectstatic run is needed for tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
