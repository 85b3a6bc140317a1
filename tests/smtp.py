"""A real SMTP server for the tests and the bench: aiosmtpd on 127.0.0.1, on a free port.

It keeps what it accepted, and on demand answers DATA with a temporary failure or holds the
DATA command (so a sender is caught in the middle of a send). It offers PIPELINING (RFC 2920), as
the mail servers hrsuite sends through do, unless told not to; aiosmtpd reads commands line by
line, so it answers a pipelined group in order.
"""

import asyncio
import email
import email.policy
import logging
import re
import socket
import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

# aiosmtpd logs every command at INFO; the tests and the bench need none of it.
logging.getLogger("mail.log").setLevel(logging.WARNING)

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class SmtpSink:
    """The server's handler: what arrived, and how to misbehave next."""

    def __init__(self, *, keep_messages: bool = True, pipelining: bool = True):
        self.keep_messages = keep_messages
        self.pipelining = pipelining
        # MAIL commands that arrived with RCPT and DATA already behind them: pipelined envelopes.
        self.pipelined = 0
        self.raw: list[bytes] = []
        self.ids: Counter[str] = Counter()
        self.accepted = 0
        self.sessions = 0  # EHLOs: one per SMTP connection a sender opened
        self.fail_data = 0  # answer this many DATA commands with 451
        self.delay_data = 0.0  # seconds to hold each DATA command before answering 354
        self.data_started = threading.Event()
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.sessions += 1
        if self.pipelining:
            return [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.fail_data > 0:
            self.fail_data -= 1
            return "451 4.3.0 Mailbox temporarily unavailable"
        content = envelope.original_content or b""
        found = _MESSAGE_ID.search(content)
        with self._lock:
            self.accepted += 1
            self.ids[found.group(1).decode() if found else ""] += 1
            if self.keep_messages:
                self.raw.append(content)
        return "250 2.0.0 OK"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self._lock:
            raw = list(self.raw)
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def duplicates(self) -> dict[str, int]:
        return {mid: n for mid, n in self.ids.items() if n > 1}


class _HoldingSMTP(SMTP):
    async def smtp_MAIL(self, arg):
        # What the client sent and the server has not read yet: the rest of a pipelined group.
        if b"\r\nDATA\r\n" in bytes(self._reader._buffer):
            self.event_handler.pipelined += 1
        await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg):
        sink = self.event_handler
        if sink.delay_data:
            sink.data_started.set()
            # The sender has sent MAIL and RCPT and waits for 354: it is in the middle of a send,
            # and nothing has been accepted yet.
            await asyncio.sleep(sink.delay_data)
        await super().smtp_DATA(arg)


class SmtpServer(Controller):
    def __init__(self, sink: SmtpSink, port: int | None = None):
        super().__init__(sink, hostname="127.0.0.1", port=port or free_port())
        self.sink = sink

    def factory(self):
        return _HoldingSMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django's e-mail goes to it for the test."""
    server = SmtpServer(SmtpSink())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.hostname
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()
