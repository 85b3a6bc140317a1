"""Counts in the cache over a fixed window, for the limits on sign-in attempts and sign-in links."""

from datetime import timedelta

from django.core.cache import cache

from hrsuite.errors import ApplicationError


class RateLimited(ApplicationError):
    status_code = 429
    code = "rate_limited"


def count_in_window(key: str, *, window: timedelta) -> int:
    """Counts one more event under `key` and returns how many fell in the current window; the
    window starts with the first event and the count ends with it."""
    seconds = int(window.total_seconds())
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, 1, timeout=seconds)
        return 1


def refuse_past_limits(prefix: str, limits: dict[str, tuple[int, timedelta]], message: str) -> None:
    """Counts one more event under each key (all of them, so a refusal still counts) and raises
    RateLimited with `message` when any count is past its limit."""
    counts = [
        (count_in_window(f"{prefix}:{key}", window=window), limit) for key, (limit, window) in limits.items()
    ]
    if any(count > limit for count, limit in counts):
        raise RateLimited(message)
