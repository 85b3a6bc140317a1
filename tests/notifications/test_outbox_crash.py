"""A dispatcher killed between the SMTP server taking a message and the row being marked sent: the
message goes out again, as the same message (docs/architecture.md, "Notifications")."""

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
from tests.celery_worker import ROOT, database_url
from tests.interviews.outbox_helpers import queue, schedule

# The dispatcher runs in a process of its own on the test database: PostgreSQL.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DISPATCH = (
    "import django; django.setup(); from notifications.services import outbox; outbox.outbox_dispatch()"
)


def _dispatcher_process(smtp_server) -> subprocess.Popen:
    """One dispatch, as a worker runs it, in a process of its own on the test database."""
    env = {
        **os.environ,  # the test settings put the keys here, so it decrypts alike
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.hostname,
        "EMAIL_PORT": str(smtp_server.port),
    }
    return subprocess.Popen([sys.executable, "-c", DISPATCH], cwd=ROOT, env=env)  # noqa: S603


def test_a_message_taken_by_the_server_before_the_sender_died_goes_out_again_as_the_same_message(
    recruiter, smtp_server
):
    rows = [queue("invitation", schedule(recruiter)) for _ in range(3)]
    sink, accept = smtp_server.sink, smtp_server.sink.handle_DATA
    dispatcher: list[subprocess.Popen] = []

    async def accept_then_kill_the_sender(server, session, envelope):
        reply = await accept(server, session, envelope)
        if sink.accepted == 1:
            # The server has the message; its sender dies before it can mark the row sent.
            os.kill(dispatcher[0].pid, signal.SIGKILL)
            dispatcher[0].wait()
        return reply

    sink.handle_DATA = accept_then_kill_the_sender
    dispatcher.append(_dispatcher_process(smtp_server))
    assert dispatcher[0].wait(timeout=60) == -signal.SIGKILL
    (first,) = sink.ids
    assert Notification.objects.filter(status="sending").count() == 3  # the whole batch, none sent

    later = timezone.now() + datetime.timedelta(seconds=settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        result = outbox_dispatch()

    assert (result.reclaimed, result.sent) == (3, 3)
    # At least once: the message the server took is sent again, with its Message-ID, so a mail
    # system or the recipient's client sees one message twice; every other one once.
    assert sink.ids == {first: 2, **{message_id(row): 1 for row in rows if message_id(row) != first}}
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 2)}
