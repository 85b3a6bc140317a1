"""A real Celery worker for the `services` tests: `celery -A config worker` in a subprocess on the
Redis broker and the test's PostgreSQL database, sending e-mail to the test's SMTP server."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
DEADLINE_S = 30


def database_url(alias: str = "default") -> str:
    """The test database pytest-django made, under the URL the suite was given."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES[alias]["NAME"]))


def database_env() -> dict[str, str]:
    """What a process of the suite's own needs to use the test's databases: the main one and the
    key store (`hrsuite.persons`)."""
    return {"DATABASE_URL": database_url(), "KEYS_DATABASE_URL": database_url("keys")}


@pytest.fixture
def celery_broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()  # our own Redis database: no task of an earlier run left
    return url


@pytest.fixture
def celery_worker(smtp_server, celery_broker):
    """`celery_worker(**env)` starts a worker in its own process group; all are stopped at the end."""
    started: list[subprocess.Popen] = []

    def start(**extra_env) -> subprocess.Popen:
        env = {
            **os.environ,  # the test settings put the keys here, so the worker decrypts alike
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            **database_env(),
            "CELERY_BROKER_URL": celery_broker,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": smtp_server.hostname,
            "EMAIL_PORT": str(smtp_server.port),
            "HRSUITE_OUTBOX_DISPATCH_SECONDS": "0",
            **extra_env,
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING"]
        command += ["--concurrency=1", "--pool=prefork", "--without-gossip", "--without-mingle"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until(condition, what: str, *, seconds: float = DEADLINE_S):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)  # polling the database, not asserting on time
