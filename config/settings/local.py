"""Embedded default for `make run`: SQLite, the filesystem broker, e-mail to the console.

Secrets come from `.env` (git-ignored), which `make run` writes once with fresh random keys.
"""

from pathlib import Path

import environ

# Read before base.py runs, since base.py requires the secrets this file holds.
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env")

from .base import *  # noqa: E402, F403

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
