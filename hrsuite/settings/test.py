"""Test settings: fresh random keys per run, fast hashing, PostgreSQL/Redis when their URLs are set."""

import base64
import os
import secrets


def _random_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


# Set in the environment, not only here, so a Celery worker the tests start shares the keys.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("HRSUITE_ENCRYPTION_KEYS", f"k2:{_random_key()},k1:{_random_key()}")
os.environ.setdefault("HRSUITE_BLIND_INDEX_KEY", _random_key())
os.environ.setdefault("HRSUITE_AUDIT_KEY", _random_key())
os.environ.setdefault("HRSUITE_WEBHOOK_SECRETS", f"simulated:{_random_key()},check_simulated:{_random_key()}")

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
