"""Counts in the cache over a fixed window, for the limits on sign-in attempts and sign-in links."""

from datetime import timedelta

from django.core.cache import cache


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
