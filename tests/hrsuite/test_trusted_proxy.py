"""The client's address behind reverse proxies: what audit events and rate limits record."""

import pytest

from audit.models import AuditEvent


def _login_failure_ip(client, **headers) -> str:
    client.post("/account/sign-in/", {"username": "nobody", "password": "wrong"}, **headers)
    return AuditEvent.objects.filter(action="login_failed").latest("id").ip


@pytest.mark.django_db
def test_without_trusted_proxies_forwarded_for_is_ignored(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 0
    ip = _login_failure_ip(client, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert ip == "10.0.0.5"


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_appended_is_the_client(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 1
    # The client claimed 198.51.100.1 itself; the proxy appended the address it really came from.
    ip = _login_failure_ip(client, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert ip == "203.0.113.9"


@pytest.mark.django_db
def test_behind_two_proxies_the_client_is_second_from_the_end(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 2
    ip = _login_failure_ip(client, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.7")
    assert ip == "203.0.113.9"


@pytest.mark.django_db
def test_a_missing_or_garbled_header_keeps_the_proxy_address(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 1
    assert _login_failure_ip(client, REMOTE_ADDR="10.0.0.5") == "10.0.0.5"
    assert _login_failure_ip(client, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip") == "10.0.0.5"


@pytest.mark.django_db
def test_the_token_throttle_ignores_a_forwarded_for_an_untrusted_client_made_up(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 0
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    answers = [
        client.post(
            "/api/auth/token/",
            {"username": f"nobody-{n}", "password": "wrong"},
            REMOTE_ADDR="198.51.100.20",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
        ).status_code
        for n in range(allowed + 1)
    ]
    assert answers == [400] * allowed + [429]


@pytest.mark.django_db
def test_behind_a_proxy_the_token_throttle_counts_the_address_the_proxy_appended(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 1
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    answers = [
        client.post(
            "/api/auth/token/",
            {"username": f"nobody-{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            # What the client claims first changes every time; what the proxy saw does not.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}, 203.0.113.9",
        ).status_code
        for n in range(allowed + 1)
    ]
    assert answers == [400] * allowed + [429]
    # Another client behind the same proxy has a count of its own.
    other = client.post(
        "/api/auth/token/",
        {"username": "nobody", "password": "wrong"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 400


@pytest.mark.django_db
def test_the_token_throttle_counts_an_ipv6_network_as_one_client_like_the_sign_in_limits(client, settings):
    settings.HRSUITE_TRUSTED_PROXIES = 0
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    answers = [
        client.post(
            "/api/auth/token/",
            {"username": f"nobody-{n}", "password": "wrong"},
            REMOTE_ADDR=f"2001:db8:5:6::{n + 1:x}",
        ).status_code
        for n in range(allowed + 1)
    ]
    assert answers == [400] * allowed + [429]
