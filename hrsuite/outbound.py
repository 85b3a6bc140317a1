"""Outbound HTTP to addresses that users configure (webhook receivers): which network addresses may
be reached, checked when the address is saved and again on every connection, and the short,
generic reason a failed request shows to its users.

A URL typed by a user must not turn the server into a probe of its own network: a host that
resolves to a loopback, private, link-local, multicast, reserved or unspecified address (IPv4 or
IPv6, an IPv4-mapped or NAT64 address by the IPv4 address inside it) is refused unless an
operator allowed its network explicitly. The check runs on the addresses the connection is then
made to, so a name that resolves elsewhere by the time of sending (DNS rebinding) is caught too.
"""

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from http import HTTPStatus
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressNotAllowed(OSError):
    """The host resolves to an address outside what may be reached."""


def networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """The networks of a setting ("127.0.0.1/32", "10.20.0.0/16", "::1/128")."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _embedded(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_allowed(address: IPAddress, *, allowed: Iterable[IPNetwork] = ()) -> bool:
    """A public address, or one inside a network the operator allowed."""
    inner = _embedded(address)
    if any(
        candidate in network
        for network in allowed
        for candidate in {address, inner}
        if candidate.version == network.version
    ):
        return True
    return inner.is_global and not (
        inner.is_private
        or inner.is_loopback
        or inner.is_link_local
        or inner.is_multicast
        or inner.is_reserved
        or inner.is_unspecified
    )


def _addresses(host: str, port: int) -> list[tuple[IPAddress, tuple]]:
    found = []
    for family, _type, _proto, _name, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if family in (socket.AF_INET, socket.AF_INET6):
            found.append((ipaddress.ip_address(sockaddr[0].split("%")[0]), sockaddr))
    return found


def host_refused(host: str, port: int, *, allowed: Iterable[IPNetwork] = ()) -> bool:
    """True when any address `host` resolves to now may not be reached; a name that does not
    resolve is not refused here (sending will fail on it, and will check again)."""
    try:
        return any(not address_allowed(address, allowed=allowed) for address, _ in _addresses(host, port))
    except (OSError, UnicodeError):
        return False


def url_refused(url: str, *, allowed: Iterable[IPNetwork] = ()) -> bool:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return host_refused(parts.hostname or "", port, allowed=allowed)


def _checked_connection(allowed: tuple[IPNetwork, ...]):
    """socket.create_connection that resolves once, refuses the whole host if any of its addresses
    may not be reached, and connects to the addresses it checked (no second lookup)."""

    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
        host, port = address
        resolved = _addresses(host, port)
        if any(not address_allowed(ip, allowed=allowed) for ip, _ in resolved):
            raise AddressNotAllowed(f"{host} resolves to an address that may not be reached")
        error = OSError(f"{host} has no address")
        for ip, sockaddr in resolved:
            try:
                return socket.create_connection((str(ip), sockaddr[1]), timeout, source_address)
            except OSError as exc:
                error = exc
        raise error

    return create_connection


class _CheckedConnections:
    """Makes each direct connection through `_checked_connection`. Through a proxy the operator
    configured (HTTPS_PROXY), the proxy is reached as configured and the URL's host was checked
    before sending."""

    def __init__(self, allowed: tuple[IPNetwork, ...]):
        super().__init__()
        self.allowed = allowed

    def _connection(self, connection_class, request):
        proxied = request.has_proxy() or getattr(request, "_tunnel_host", None)

        def connect(host, **options):
            connection = connection_class(host, **options)
            if not proxied:
                connection._create_connection = _checked_connection(self.allowed)
            return connection

        return connect


class _CheckedHTTPHandler(_CheckedConnections, urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(self._connection(http.client.HTTPConnection, req), req)


class _CheckedHTTPSHandler(_CheckedConnections, urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(self._connection(http.client.HTTPSConnection, req), req, context=self._context)


def checked_opener(*handlers, allowed: Iterable[IPNetwork] = ()) -> urllib.request.OpenerDirector:
    """A urllib opener whose connections go only to addresses `address_allowed` lets through."""
    allowed = tuple(allowed)
    return urllib.request.build_opener(_CheckedHTTPHandler(allowed), _CheckedHTTPSHandler(allowed), *handlers)


def failure_reason(error: BaseException) -> str:
    """What a user may read of a failed request: its category, never the exception's text (which
    names hosts, ports and what answered there). The detail belongs in the server's log."""
    if isinstance(error, urllib.error.HTTPError):
        try:
            return f"HTTP {error.code} {HTTPStatus(error.code).phrase}"
        except ValueError:
            return f"HTTP {error.code}"
    reason = getattr(error, "reason", error) if isinstance(error, urllib.error.URLError) else error
    categories = (
        (AddressNotAllowed, "Address not allowed."),
        (TimeoutError, "Timed out."),
        (ConnectionRefusedError, "Connection refused."),
        (ConnectionResetError, "Connection closed by the receiver."),
        (socket.gaierror, "Host name not found."),
        (ssl.SSLError, "TLS error."),
        (http.client.HTTPException, "Not an HTTP answer."),
    )
    for kind, text in categories:
        if isinstance(reason, kind):
            return text
    return "Connection failed."
