"""Embedded default for `make run`: SQLite, the filesystem broker, e-mail to the console.

Secrets come from `.env` (git-ignored), which `make run` writes once with fresh random keys.
"""

import environ

from .base import BASE_DIR

environ.Env.read_env(BASE_DIR / ".env")

from .base import *  # noqa: E402, F403

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
