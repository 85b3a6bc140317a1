"""A real HTTP receiver for the provisioning tests: http.server in a thread on 127.0.0.1, on a free
port. It keeps every request it got (headers and raw body), answers 200, or fails the next N
requests (or all of them) with a status of choice, and, like a well-behaved receiver, answers 200
without doing the work again to an Idempotency-Key it has already taken.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What arrived, and how to misbehave next."""

    fail_next: int = 0  # answer this many requests with `fail_status`
    fail_always: bool = False
    fail_status: int = 503
    requests: list[ReceivedRequest] = field(default_factory=list)
    # Keys the receiver has acted on: each new hire is created once, however often it is sent.
    taken: dict[str, int] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/new-hire"

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            if self.fail_always or self.fail_next > 0:
                self.fail_next = max(self.fail_next - 1, 0)
                status = self.fail_status
            else:
                status = 200
                key = headers.get("Idempotency-Key", "")
                self.taken[key] = self.taken.get(key, 0) + 1
            self.requests.append(ReceivedRequest(path=path, headers=headers, body=body, answered=status))
            return status

    @property
    def successes(self) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if 200 <= r.answered < 300]


def _handler_for(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = receiver.answer(self.path, dict(self.headers.items()), body)
            reply = json.dumps({"ok": status == 200}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args):  # the tests need no access log
            pass

    return Handler


def start_receiver(**options) -> Receiver:
    receiver = Receiver(**options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))  # port 0: a free one
    server.daemon_threads = True
    receiver.server = server
    threading.Thread(target=server.serve_forever, args=(0.05,), name="http-receiver", daemon=True).start()
    return receiver


@pytest.fixture
def http_receiver():
    """`http_receiver(**options)` starts one more receiver; all are stopped at the end."""
    started: list[Receiver] = []

    def start(**options) -> Receiver:
        receiver = start_receiver(**options)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()
