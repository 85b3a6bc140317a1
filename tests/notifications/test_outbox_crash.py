"""A dispatcher killed between the SMTP server taking messages and their rows being marked sent:
those messages go out again, as the same messages, at most one per SMTP connection of the dispatcher
(docs/architecture.md, "Notifications")."""

import asyncio
import datetime
import os
import signal
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from notifications.rendering import message_id
from notifications.services.outbox import outbox_dispatch
from tests.celery_worker import ROOT, database_env
from tests.interviews.outbox_helpers import queue, schedule

# The dispatcher runs in a process of its own on the test database: PostgreSQL.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DISPATCH = (
    "import django; django.setup(); from notifications.services import outbox; outbox.outbox_dispatch()"
)


def _dispatcher_process(smtp_server, connections: int) -> subprocess.Popen:
    """One dispatch, as a worker runs it, in a process of its own on the test database."""
    env = {
        **os.environ,  # the test settings put the keys here, so it decrypts alike
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        **database_env(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.hostname,
        "EMAIL_PORT": str(smtp_server.port),
        "HRSUITE_OUTBOX_CONNECTIONS": str(connections),
    }
    return subprocess.Popen([sys.executable, "-c", DISPATCH], cwd=ROOT, env=env)  # noqa: S603


@pytest.mark.parametrize("connections", [1, 3])
def test_messages_taken_by_the_server_before_the_sender_died_go_out_again_one_per_connection(
    recruiter, smtp_server, connections
):
    rows = [queue("invitation", schedule(recruiter)) for _ in range(connections + 3)]
    sink, accept = smtp_server.sink, smtp_server.sink.handle_DATA
    dispatcher: list[subprocess.Popen] = []

    async def accept_then_kill_the_sender(server, session, envelope):
        reply = await accept(server, session, envelope)
        # The worst case: every connection's message taken by the server (none of the 250s has
        # reached the sender yet) when the sender dies, before it can mark any row sent.
        for _ in range(600):
            if sink.accepted >= connections:
                break
            await asyncio.sleep(0.05)
        if dispatcher[0].poll() is None:
            os.kill(dispatcher[0].pid, signal.SIGKILL)
            dispatcher[0].wait()
        return reply

    sink.handle_DATA = accept_then_kill_the_sender
    dispatcher.append(_dispatcher_process(smtp_server, connections))
    assert dispatcher[0].wait(timeout=60) == -signal.SIGKILL
    taken = set(sink.ids)
    assert len(taken) == connections  # one message on each connection, none marked sent
    assert Notification.objects.filter(status="sending").count() == len(rows)

    later = timezone.now() + datetime.timedelta(seconds=settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        result = outbox_dispatch()

    assert (result.reclaimed, result.sent) == (len(rows), len(rows))
    # At least once: each message the server took is sent again, with its Message-ID, so a mail
    # system or the recipient's client sees one message twice; every other one once. No more
    # copies than the dispatcher had connections.
    assert sink.ids == {message_id(row): 2 if message_id(row) in taken else 1 for row in rows}
    assert sum(sink.ids.values()) - len(rows) == connections
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 2)}
