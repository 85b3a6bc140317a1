"""The outbox's SMTP side against a real SMTP server: pipelined envelopes where the server offers
PIPELINING and smtplib's commands where it does not, refusals inside a pipelined group, and
several connections per dispatcher, each with at most one message not yet marked sent
(docs/architecture.md, "Notifications")."""

import asyncio
import datetime
import smtplib

import pytest
from asgiref.sync import sync_to_async
from django.core.mail import get_connection
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from notifications.rendering import message_id
from notifications.services.outbox import outbox_dispatch
from notifications.smtp import smtp_send
from tests.interviews.outbox_helpers import queue, queue_reminder, schedule

pytestmark = pytest.mark.django_db

SENDER = "hrsuite@example.test"
# A line that starts with a period (sent doubled, received as it was) and 8-bit text.
DATA = b"Subject: Interview\r\nMessage-ID: <%s@test>\r\n\r\nHello\r\n.hidden line\r\n\xe9\xa2\x9d\r\n"


@pytest.fixture(params=[True, False], ids=["pipelining", "no-pipelining"])
def pipelining(request, smtp_server):
    smtp_server.sink.pipelining = request.param
    return request.param


@pytest.fixture
def smtp(smtp_server):
    """Opens an SMTP connection through Django's backend, as the dispatcher opens one (after the
    test has told the server how to answer: aiosmtpd reads its handler's hooks per connection)."""
    backends = []

    def open_connection() -> smtplib.SMTP:
        backends.append(get_connection())
        backends[-1].open()
        return backends[-1].connection

    yield open_connection
    for backend in backends:
        backend.close()


def _refuse(*addresses):
    async def refuse(server, session, envelope, address, options):
        if address in addresses:
            return "550 5.1.1 Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    return refuse


def test_the_server_gets_the_message_as_it_was_written(smtp_server, pipelining, smtp):
    smtp = smtp()
    smtp_send(smtp, sender=SENDER, recipient="anna@example.test", data=DATA % b"1")
    assert smtp.has_extn("pipelining") == pipelining
    assert smtp_server.sink.raw == [DATA % b"1"]
    # The envelope went as one group only where the server offered it.
    assert smtp_server.sink.pipelined == (1 if pipelining else 0)


def test_a_refused_recipient_raises_and_the_connection_carries_the_next_message(
    smtp_server, pipelining, smtp
):
    smtp_server.sink.handle_RCPT = _refuse("gone@example.test")
    smtp = smtp()
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        smtp_send(smtp, sender=SENDER, recipient="gone@example.test", data=DATA % b"1")
    assert refused.value.recipients == {"gone@example.test": (550, b"5.1.1 Recipient address rejected")}

    smtp_send(smtp, sender=SENDER, recipient="anna@example.test", data=DATA % b"2")
    assert dict(smtp_server.sink.ids) == {"<2@test>": 1}
    assert smtp_server.sink.sessions == 1


def test_a_refused_sender_raises_as_smtplib_does(smtp_server, pipelining, smtp):
    async def refuse(server, session, envelope, address, options):
        return "553 5.7.1 Sender not allowed"

    smtp_server.sink.handle_MAIL = refuse
    smtp = smtp()
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        smtp_send(smtp, sender=SENDER, recipient="anna@example.test", data=DATA % b"1")
    assert (refused.value.smtp_code, refused.value.sender) == (553, SENDER)
    assert smtp_server.sink.accepted == 0


def test_a_recipient_refused_in_a_group_is_retried_with_the_error_and_the_rest_sent(
    recruiter, smtp_server, pipelining, settings
):
    settings.HRSUITE_OUTBOX_CONNECTIONS = 1
    refused, taken = (queue("invitation", schedule(recruiter)) for _ in range(2))
    address = refused.candidate.email
    smtp_server.sink.handle_RCPT = _refuse(address)

    result = outbox_dispatch()

    assert (result.sent, result.retried) == (1, 1)
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("pending", 1)
    assert refused.last_error == "SMTPRecipientsRefused: [550]"
    assert smtp_server.sink.ids == {message_id(taken): 1}
    assert smtp_server.sink.pipelined == (2 if pipelining else 0)


@pytest.mark.django_db(transaction=True)
def test_each_connection_is_handed_its_next_message_only_once_its_last_is_marked_sent(
    recruiter, smtp_server, settings
):
    settings.HRSUITE_OUTBOX_CONNECTIONS = 3
    rows = [queue("invitation", schedule(recruiter)) for _ in range(12)]
    pks = {message_id(row): row.pk for row in rows}
    sink, accept = smtp_server.sink, smtp_server.sink.handle_DATA
    last_on: dict[int, str] = {}  # session -> Message-ID of the last message it took
    unmarked: list[str] = []
    in_data, most = 0, 0

    def status_of(mid: str) -> str:
        status = Notification.objects.get(pk=pks[mid]).status
        connection.close()  # the server thread's own
        return status

    async def hold_then_accept(server, session, envelope):
        nonlocal in_data, most
        previous = last_on.get(id(session))
        if previous is not None and await sync_to_async(status_of)(previous) != "sent":
            unmarked.append(previous)
        in_data += 1
        most = max(most, in_data)
        # The first messages wait until every connection carries one (10 s at most), so that
        # the test sees how many a dispatcher has in flight.
        for _ in range(200):
            if most >= 3:
                break
            await asyncio.sleep(0.05)
        reply = await accept(server, session, envelope)
        in_data -= 1
        last_on[id(session)] = list(sink.ids)[-1]
        return reply

    sink.handle_DATA = hold_then_accept
    result = outbox_dispatch()

    assert result.sent == 12
    assert most == 3 == sink.sessions
    assert unmarked == []
    assert sink.ids == {message_id(row): 1 for row in rows}
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_over_several_connections_an_urgent_message_is_the_first_of_its_connection(
    recruiter, smtp_server, settings
):
    settings.HRSUITE_OUTBOX_CONNECTIONS = 3
    now = timezone.now()
    backlog = [
        queue("invitation", schedule(recruiter), due_at=now - datetime.timedelta(minutes=5, seconds=n))
        for n in range(6)
    ]
    reminder = queue_reminder(schedule(recruiter, starts_at=now + datetime.timedelta(minutes=15)))
    sink = smtp_server.sink
    accept, first_on = sink.handle_DATA, {}

    async def note_each_connections_first(server, session, envelope):
        reply = await accept(server, session, envelope)
        first_on.setdefault(id(session), list(sink.ids)[-1])
        return reply

    sink.handle_DATA = note_each_connections_first

    assert outbox_dispatch().sent == 7

    assert sorted(sink.ids) == sorted(message_id(row) for row in [*backlog, reminder])
    # Handed out first, so it is the first message of its connection. Which message reaches the
    # server first depends on how fast each connection opens, which a loaded machine varies; in
    # order of due time it would be the third message of a connection.
    assert message_id(reminder) in first_on.values()
