"""Brute-force limits on password sign-in, shared by every way in: the sign-in page, the API's
token sign-in and the admin.

Failed sign-ins are counted in the cache three ways, and none of them may let a stranger lock a
user out of the place they sign in from:

1. Per (name, address) pair: past `SIGN_IN_LIMIT_PER_PAIR` failures in the window that pair is
   refused outright, without the password being checked. This is what stops a guesser at one
   address, and it holds back only that address.
2. Per name, from everywhere: past `SIGN_IN_SLOWDOWN_PER_NAME` failures the name is slowed down,
   not locked. An attempt must then come a delay after the name's last failure (1 s, doubling
   with each further failure, up to a few minutes) or it is answered "try again in N s" before
   the password is looked at, so the answer is the same for a right and a wrong one and tells a
   guesser nothing. A guesser with many addresses gets a few hundred guesses a day instead of
   five per address per window. The slowdown does not apply at an address the user has signed
   in from with the right password (`KNOWN_ADDRESS_DAYS`): a stranger elsewhere can slow the
   name down only for addresses its user never used.
3. Per address, over all names: past `SIGN_IN_LIMIT_PER_ADDRESS` failures an address is held to
   the names known there (signed in from it before). That stops one address trying a common
   password on many names, and still lets in the people who sign in there every day, such as
   the rest of an office behind one NAT address.

An attempt the limits refuse counts as no failure: no password was checked, nothing was guessed.
A right password clears its own pair's count and makes the address known
for the name; it does not clear the name's count, which may be a guesser's elsewhere.

What a stranger can still do, and why it is accepted: someone sharing the user's own address (the
same office NAT) is held there by the pair limit alone, so guesses five times a window, and can
use up that limit for the user; and a user signing in from a new address while their name is
being guessed at is slowed down there. A user held back either way can ask for a one-time
sign-in link by e-mail (`sign_in_links`), which signs them in once and so clears their pair and
makes their address known. Addresses are as TrustedProxyMiddleware sets REMOTE_ADDR; an IPv6 address counts as
its /64 network, which one client usually holds whole and could otherwise walk through.

While the cache is out of reach the limits do not fail open, which would let a guesser through
for as long as the outage lasts: the counts are taken from the audit trail instead, which records
every failed sign-in (`login_failed`, with the name tried and the address) and every sign-in
(`login`) whatever the cache does (`_counts_from_trail`, docs/architecture.md, "Degraded modes").
The trail counts over the last window rather than in fixed windows, and knows the failures from
before the outage too. Failures during the outage are not in the cache once it is back, so each
count starts again there: a guesser gains at most one window's attempts per outage.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.backends import ModelBackend, UserModel
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.signals import attempted_name_for_trail
from hrsuite.degraded import CACHE_ERRORS, outage_warn
from hrsuite.models import rows_read
from hrsuite.permissions import access_of
from hrsuite.rate_limits import count_in_window

# (failed sign-ins, window)
SIGN_IN_LIMIT_PER_PAIR = (5, timedelta(minutes=15))
SIGN_IN_LIMIT_PER_ADDRESS = (50, timedelta(minutes=15))
# (failed sign-ins before the slowdown, window of the count, longest wait)
SIGN_IN_SLOWDOWN_PER_NAME = (10, timedelta(hours=24), timedelta(minutes=5))
# How long a right password makes an address known for its name.
KNOWN_ADDRESS_DAYS = 60

_PREFIX = "hrsuite:sign-in"


class Reason:
    """Why an attempt was refused before its password was checked (in the audit trail)."""

    PAIR = "too_many_attempts"
    NAME = "slowed_down"
    ADDRESS = "too_many_from_address"


@dataclass(frozen=True)
class Refusal:
    reason: str
    retry_after: int  # seconds


def _name(username: str) -> str:
    # User names compare without case here, so "Ivy" and "ivy" share a count; hashed, so the
    # cache holds no names (nor whatever else someone typed into the field).
    return hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()


def client_network(request) -> str:
    return network_of(request.META.get("REMOTE_ADDR"))


def network_of(address: str | None) -> str:
    """What the limits count an address as: itself, or an IPv6 address's /64 network."""
    address = address or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


@dataclass(frozen=True)
class _Keys:
    pair: str
    known: str
    name: str
    name_last: str
    address: str


def _keys(request, username: str) -> _Keys:
    name, network = _name(username), client_network(request)
    pair = hashlib.sha256(f"{name}|{network}".encode()).hexdigest()
    return _Keys(
        pair=f"{_PREFIX}:pair:{pair}",
        known=f"{_PREFIX}:known:{pair}",
        name=f"{_PREFIX}:name:{name}",
        name_last=f"{_PREFIX}:name-last:{name}",
        address=f"{_PREFIX}:address:{network}",
    )


def _name_wait(failures: int) -> float:
    after, _window, longest = SIGN_IN_SLOWDOWN_PER_NAME
    return min(2.0 ** (failures - after), longest.total_seconds())


def refusal(request, username: str) -> Refusal | None:
    """Whether an attempt to sign in as `username` from this request's address is refused now,
    before its password is checked; None when the password may be checked."""
    keys = _keys(request, username)
    try:
        counts = cache.get_many([keys.pair, keys.known, keys.name, keys.name_last, keys.address])
    except CACHE_ERRORS as error:
        outage_warn("Redis", error, fallback="sign-in limits count failed sign-ins in the audit trail")
        counts = _counts_from_trail(request, username, keys)
    pair_limit, pair_window = SIGN_IN_LIMIT_PER_PAIR
    if counts.get(keys.pair, 0) >= pair_limit:
        return Refusal(Reason.PAIR, int(pair_window.total_seconds()))
    if counts.get(keys.known):
        return None
    address_limit, address_window = SIGN_IN_LIMIT_PER_ADDRESS
    if counts.get(keys.address, 0) >= address_limit:
        return Refusal(Reason.ADDRESS, int(address_window.total_seconds()))
    failures = counts.get(keys.name, 0)
    if failures >= SIGN_IN_SLOWDOWN_PER_NAME[0]:
        wait = counts.get(keys.name_last, 0) + _name_wait(failures) - time.time()
        if wait > 0:
            return Refusal(Reason.NAME, math.ceil(wait))
    return None


def _counts_from_trail(request, username: str, keys: _Keys) -> dict:
    """What `refusal` reads from the cache, counted in the audit trail (see the module): failures
    the limits did not refuse (a refusal's event carries its reason), by the name as the trail
    keeps it and by the address's network; and the name's last sign-in from that network, which
    both makes the address known and ends the pair's count."""
    now = timezone.now()
    name = (username or "").strip()
    at_network = _in_network(client_network(request))
    signed_in = AuditEvent.objects.filter(
        at_network,
        action=AuditAction.LOGIN,
        actor_label__iexact=name,
        at__gte=now - timedelta(days=KNOWN_ADDRESS_DAYS),
    ).aggregate(last=Max("at"))["last"]
    pair_since = now - SIGN_IN_LIMIT_PER_PAIR[1]
    if signed_in is not None:
        pair_since = max(pair_since, signed_in)
    named = Q(detail__username__iexact=attempted_name_for_trail(name))
    address_since = now - SIGN_IN_LIMIT_PER_ADDRESS[1]
    name_since = now - SIGN_IN_SLOWDOWN_PER_NAME[1]
    failed = (
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, at__gte=min(name_since, address_since))
        .exclude(detail__has_key="reason")
        .filter(named | (at_network & Q(at__gte=address_since)))
        .aggregate(
            pair=Count("pk", filter=named & at_network & Q(at__gt=pair_since)),
            name=Count("pk", filter=named & Q(at__gte=name_since)),
            name_last=Max("at", filter=named),
            address=Count("pk", filter=at_network & Q(at__gte=address_since)),
        )
    )
    return {
        keys.pair: failed["pair"],
        keys.known: signed_in is not None,
        keys.name: failed["name"],
        keys.name_last: failed["name_last"].timestamp() if failed["name_last"] else 0,
        keys.address: failed["address"],
    }


def _in_network(network: str) -> Q:
    """Events from an address the limits count as `network` (an address, or an IPv6 /64)."""
    try:
        block = ipaddress.ip_network(network)
    except ValueError:
        return Q(ip__isnull=True)
    return Q(ip__gte=str(block.network_address), ip__lte=str(block.broadcast_address))


def failure_count(request, username: str) -> None:
    keys = _keys(request, username)
    window = SIGN_IN_SLOWDOWN_PER_NAME[1]
    try:
        cache.set(keys.name_last, time.time(), timeout=int(window.total_seconds()))
    except CACHE_ERRORS as error:
        # The failure is in the audit trail (audit.signals), which is where `refusal` counts
        # while the cache is down.
        outage_warn("Redis", error, fallback="sign-in limits count failed sign-ins in the audit trail")
        return
    count_in_window(keys.pair, window=SIGN_IN_LIMIT_PER_PAIR[1])
    count_in_window(keys.address, window=SIGN_IN_LIMIT_PER_ADDRESS[1])
    count_in_window(keys.name, window=window)


def success_note(request, username: str) -> None:
    """A right password (or the e-mailed link) from this address: its pair's failures end, and
    the address is known for the name."""
    keys = _keys(request, username)
    try:
        cache.delete(keys.pair)
        cache.set(keys.known, 1, timeout=KNOWN_ADDRESS_DAYS * 24 * 3600)
    except CACHE_ERRORS as error:
        # The sign-in is in the audit trail, where `refusal` looks while the cache is down.
        outage_warn("Redis", error, fallback="sign-in limits count failed sign-ins in the audit trail")


def refused_before_checking(request) -> bool:
    """Whether this request's failed sign-in was a refusal by the limits (not a guess)."""
    return getattr(request, "_hrsuite_sign_in_refusal", None) is not None


class LimitedModelBackend(ModelBackend):
    """Django's password check, refused outright past the limits. Raising PermissionDenied stops
    authenticate() at once and sends user_login_failed, which the audit trail records."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            refused = refusal(request, username or kwargs.get("email", ""))
            if refused is not None:
                request._hrsuite_sign_in_refusal = refused
                raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of every request, as Django's backend reads them, with a written-out
        statement (`rows_read`): building the ORM's `get()` cost more than reading the row."""
        key = UserModel._meta.pk
        found = rows_read(
            UserModel, f"{connection.ops.quote_name(key.column)} = %s", [key.get_prep_value(user_id)]
        )
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """Django's answer, read in the one query that also reads the user's roles
        (`hrsuite.permissions.access_of`) instead of two of its own. A superuser holds every
        permission, as Django reads them."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(access_of(user_obj)[1])
        return user_obj._perm_cache
