"""The client's address behind reverse proxies: what audit events and rate limits record."""

import pytest

from audit.models import AuditEvent


def _login_failure_ip(client, **headers) -> str:
    client.post("/account/sign-in/", {"username": "nobody", "password": "wrong"}, **headers)
    return AuditEvent.objects.filter(action="login_failed").latest("seq").ip


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
