"""Outbound HTTP to configured addresses: each connection goes only to addresses the policy allows
(checked on the addresses actually connected to, not only when the URL was saved), and a failure
is told by its category."""

import ipaddress
import socket
import threading
import urllib.error
import urllib.request

import pytest

from hrsuite import outbound


def test_a_connection_to_a_refused_address_is_never_opened(http_receiver):
    receiver = http_receiver()
    request = urllib.request.Request(receiver.url, data=b"{}", method="POST")  # noqa: S310

    with pytest.raises(urllib.error.URLError) as refused:
        outbound.checked_opener().open(request, timeout=5)

    assert isinstance(refused.value.reason, outbound.AddressNotAllowed)
    assert outbound.failure_reason(refused.value) == "Address not allowed."
    assert receiver.requests == []
    allowed = outbound.checked_opener(allowed=outbound.networks(["127.0.0.1/32"]))
    with allowed.open(request, timeout=5) as response:
        assert response.status == 200
    assert len(receiver.requests) == 1


def test_a_receiver_that_never_answers_has_timed_out():
    listener = socket.create_server(("127.0.0.1", 0))
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    opener = outbound.checked_opener(allowed=outbound.networks(["127.0.0.0/8"]))
    try:
        with pytest.raises((urllib.error.URLError, TimeoutError)) as caught:
            opener.open(urllib.request.Request(url, data=b"{}", method="POST"), timeout=0.3)
        assert outbound.failure_reason(caught.value) == "Timed out."
    finally:
        for connection, _ in held:
            connection.close()
        listener.close()


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("fc00::1", False),
        ("192.0.2.1", False),  # documentation range: not global
    ],
)
def test_which_addresses_are_public(address, allowed):
    assert outbound.address_allowed(ipaddress.ip_address(address)) is allowed
