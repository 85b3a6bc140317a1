"""A TCP relay on 127.0.0.1 in front of a real server (PostgreSQL, Redis) that a test or a bench
can cut and restore, to show what the code does in an outage without stopping a shared server.

Cut, it drops every connection through it and refuses new ones (its port closed), as a server
that went down does; restored, it listens on the same port again."""

import contextlib
import socket
import threading
from urllib.parse import urlsplit


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> "TcpProxy":
        self._listen()
        return self

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._open = self._open, set()
        if listener is not None:
            listener.close()
        for sock in open_sockets:
            _close(sock)

    def restore(self) -> None:
        if self._listener is None:
            self._listen()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # closed by cut()
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    _close(client)
                    _close(server)
                    return
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._relay, args=(source, sink), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open.discard(source)
            self._open.discard(sink)
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def redis_cache_through(proxy: TcpProxy, redis_url: str) -> dict:
    """CACHES for Django's Redis cache reached through `proxy`, on `redis_url`'s database, with
    the socket timeouts production sets."""
    database = urlsplit(redis_url).path.strip("/") or "0"
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{proxy.port}/{database}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
