"""Degraded modes (docs/architecture.md, "Degraded modes"): which errors mean that PostgreSQL or
Redis is out of reach rather than a bug, and one warning per outage and process instead of a
traceback per request."""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("hrsuite.degraded")

# Seconds between two warnings about the same service from one process; the failures in between
# are counted into the next one.
WARNING_INTERVAL = 60.0

# What Django's Redis cache raises when it cannot reach the server (refused, lost, timed out).
CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)

# SQLSTATEs of a connection that was refused or lost: class 08, and the server shutting down,
# crashing or still starting (57P01-57P03). psycopg gives none for a failure on its own side
# (nothing listening, a socket closed under it).
_CONNECTION_STATES = ("08", "57P01", "57P02", "57P03")

_lock = threading.Lock()
_last_warned: dict[str, float] = {}
_unwarned: dict[str, int] = {}


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` says PostgreSQL cannot be reached, as opposed to a query it refused (a
    constraint, a deadlock, a timeout) or a bug, which stay errors."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if not hasattr(cause, "sqlstate"):
        # Not psycopg: SQLite's "database is locked" is no outage, and it has no server to lose.
        return False
    return cause.sqlstate is None or cause.sqlstate.startswith(_CONNECTION_STATES)


def cache_unreachable(error: BaseException | None) -> bool:
    return isinstance(error, CACHE_ERRORS)


def outage_warn(service: str, error: BaseException, *, fallback: str) -> None:
    """Logs that `service` is out of reach and what is done instead (`fallback`), at most once
    per WARNING_INTERVAL for each service in this process."""
    now = time.monotonic()
    with _lock:
        last = _last_warned.get(service)
        if last is not None and now - last < WARNING_INTERVAL:
            _unwarned[service] = _unwarned.get(service, 0) + 1
            return
        _last_warned[service] = now
        unwarned = _unwarned.pop(service, 0)
    first_line = str(error).strip().partition("\n")[0]
    logger.warning(
        "%s unreachable (%s: %s); %s. %d more failures since the last warning.",
        service,
        type(error).__name__,
        first_line,
        fallback,
        unwarned,
    )
