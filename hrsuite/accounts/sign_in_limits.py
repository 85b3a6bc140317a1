"""Brute-force limits on password sign-in, shared by every way in: the sign-in page, the API's
token sign-in and the admin.

Failed sign-ins are counted in the cache per user name and per client address; past either limit
`LimitedModelBackend` refuses without checking the password until the window has passed. A
per-name count holds a guesser with many addresses; a per-address count one that tries many names.
"""

import hashlib
from datetime import timedelta

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from hrsuite.rate_limits import count_in_window

# (failed sign-ins, window)
SIGN_IN_LIMIT_PER_USERNAME = (5, timedelta(minutes=15))
SIGN_IN_LIMIT_PER_IP = (30, timedelta(minutes=15))


def _keys(request, username: str) -> list[tuple[str, int, timedelta]]:
    # User names compare without case here, so "Ivy" and "ivy" share a count; hashed, so the
    # cache holds no names (nor whatever else someone typed into the field).
    name = hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return [
        (f"hrsuite:sign-in-failures:name:{name}", *SIGN_IN_LIMIT_PER_USERNAME),
        (f"hrsuite:sign-in-failures:ip:{address}", *SIGN_IN_LIMIT_PER_IP),
    ]


def too_many_failures(request, username: str) -> bool:
    keys = _keys(request, username)
    counts = cache.get_many([key for key, _limit, _window in keys])
    return any(counts.get(key, 0) >= limit for key, limit, _window in keys)


def failure_count(request, username: str) -> None:
    for key, _limit, window in _keys(request, username):
        count_in_window(key, window=window)


def failures_clear(request, username: str) -> None:
    """A right password ends the name's count (not the address's: one address, many names)."""
    name_key, _limit, _window = _keys(request, username)[0]
    cache.delete(name_key)


class LimitedModelBackend(ModelBackend):
    """Django's password check, refused outright past the limits. Raising PermissionDenied stops
    authenticate() at once and sends user_login_failed, which the audit trail records."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and too_many_failures(request, username or kwargs.get("email", "")):
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
