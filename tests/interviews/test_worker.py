"""A real Celery worker (subprocess) on Redis, sending the outbox to a real SMTP server from the
test's PostgreSQL database; and a worker killed in the middle of a send."""

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

from interviews.messages import message_id
from interviews.models import Notification
from interviews.tasks import outbox_dispatch
from tests.interviews.outbox_helpers import queue, schedule

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 30


def _database_url() -> str:
    """The test database pytest-django made, under the URL the suite was given."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()  # our own Redis database: no task of an earlier run left
    return url


@pytest.fixture
def start_worker(smtp_server, broker):
    """Starts `celery -A hrsuite worker` in its own process group; stops every one at the end."""
    started: list[subprocess.Popen] = []

    def start(**extra_env) -> subprocess.Popen:
        env = {
            **os.environ,  # the test settings put the keys here, so the worker decrypts alike
            "DJANGO_SETTINGS_MODULE": "hrsuite.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": smtp_server.hostname,
            "EMAIL_PORT": str(smtp_server.port),
            "HRSUITE_OUTBOX_DISPATCH_SECONDS": "0",
            **extra_env,
        }
        command = [sys.executable, "-m", "celery", "-A", "hrsuite", "worker", "--loglevel=WARNING"]
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


def _wait_until(condition, what: str):
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)  # polling the database, not asserting on time


def _statuses() -> dict[str, int]:
    rows = Notification.objects.values_list("status", flat=True)
    return {status: list(rows).count(status) for status in set(rows)}


def _queue_invitations(recruiter, n: int) -> list[Notification]:
    return [queue("invitation", schedule(recruiter)) for _ in range(n)]


def test_worker_sends_every_due_message_exactly_once(recruiter, smtp_server, start_worker):
    notifications = _queue_invitations(recruiter, 20)
    start_worker()

    outbox_dispatch.delay()
    outbox_dispatch.delay()  # a second dispatcher at the same time shares the work, not repeats it

    _wait_until(lambda: _statuses() == {"sent": 20}, "every notification to be sent")
    assert smtp_server.sink.ids == {message_id(n): 1 for n in notifications}


def test_killed_worker_loses_nothing_and_sends_nothing_twice(recruiter, smtp_server, start_worker):
    notifications = _queue_invitations(recruiter, 8)
    sink = smtp_server.sink
    sink.delay_data = 30.0  # the first DATA is held: the worker is in the middle of a send
    first = start_worker(HRSUITE_OUTBOX_CLAIM_TIMEOUT="2")
    outbox_dispatch.delay()
    assert sink.data_started.wait(DEADLINE_S), "the worker never reached DATA"
    assert _statuses() == {"sending": 8}  # the whole batch is claimed

    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    sink.delay_data = 0.0
    assert sink.accepted == 0

    # The new worker's dispatcher keeps looking for a few seconds, so it sees the dead worker's
    # claims go stale and takes them back.
    start_worker(HRSUITE_OUTBOX_CLAIM_TIMEOUT="2", HRSUITE_OUTBOX_DISPATCH_SECONDS="15")
    outbox_dispatch.delay()

    _wait_until(lambda: _statuses() == {"sent": 8}, "every notification to be sent after the kill")
    assert sink.ids == {message_id(n): 1 for n in notifications}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {2}
