"""Counts in the cache over a fixed window, for the limits on sign-in attempts and sign-in links.

While the cache is out of reach, the counts go on in this process's memory (`local_counts`): each
web process then holds a client to the limit by itself, so a limit is at most as many times looser
as there are processes, for as long as the outage lasts, and never lifted (docs/architecture.md,
"Degraded modes"). The password sign-in limits do better still (`accounts.sign_in_limits`).
"""

from datetime import timedelta

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from hrsuite.degraded import CACHE_ERRORS, outage_warn
from hrsuite.errors import ApplicationError

local_counts = LocMemCache("hrsuite-rate-limits", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


class RateLimited(ApplicationError):
    status_code = 429
    code = "rate_limited"


def count_in_window(key: str, *, window: timedelta) -> int:
    """Counts one more event under `key` and returns how many fell in the current window; the
    window starts with the first event and the count ends with it."""
    try:
        return _count(cache, key, window)
    except CACHE_ERRORS as error:
        outage_warn("Redis", error, fallback="rate limits count in each process's memory")
        return _count(local_counts, key, window)


def _count(counts, key: str, window: timedelta) -> int:
    seconds = int(window.total_seconds())
    if counts.add(key, 1, timeout=seconds):
        return 1
    try:
        return counts.incr(key)
    except ValueError:  # expired between the two calls: a new window
        counts.add(key, 1, timeout=seconds)
        return 1


def refuse_past_limits(prefix: str, limits: dict[str, tuple[int, timedelta]], message: str) -> None:
    """Counts one more event under each key (all of them, so a refusal still counts) and raises
    RateLimited with `message` when any count is past its limit."""
    counts = [
        (count_in_window(f"{prefix}:{key}", window=window), limit) for key, (limit, window) in limits.items()
    ]
    if any(count > limit for count, limit in counts):
        raise RateLimited(message)
