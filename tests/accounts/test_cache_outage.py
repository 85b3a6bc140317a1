"""Signing in while Redis, which keeps the sign-in limits' counts, is out of reach: the page, a
password sign-in and the token endpoint still work, the limits still stop a guesser (counting
in the audit trail), and the outage is logged once, not once per request."""

import logging
import os

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.sign_in_limits import SIGN_IN_LIMIT_PER_PAIR, SIGN_IN_SLOWDOWN_PER_NAME
from hrsuite import degraded
from hrsuite.roles import Role
from tests.factories import make_user
from tests.tcp_proxy import TcpProxy, redis_cache_through

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SIGN_IN = "/account/sign-in/"
TOKEN = "/api/auth/token/"
PASSWORD = "harbour-lantern-quiet-47"
IVYS_DESK = "198.51.100.7"
STRANGER = "203.0.113.66"


@pytest.fixture
def redis(settings, monkeypatch):
    """The cache in Redis through a proxy the test cuts; warnings start afresh."""
    monkeypatch.setattr(degraded, "_last_warned", {})
    proxy = TcpProxy("127.0.0.1", 6379).start()
    settings.CACHES = redis_cache_through(proxy, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    yield proxy
    proxy.cut()


@pytest.fixture
def ivy(db):
    user = make_user(Role.INTERVIEWER, username="ivy")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _attempt(client, username, password, ip=IVYS_DESK):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signs_in(client, username, password, ip=IVYS_DESK) -> bool:
    answer = _attempt(client, username, password, ip=ip)
    signed_in = answer.status_code == 302 and SESSION_KEY in client.session
    client.logout()
    return signed_in


def _token(client, username, password, *, ip):
    credentials = {"username": username, "password": password}
    return client.post(TOKEN, credentials, content_type="application/json", REMOTE_ADDR=ip)


def test_the_sign_in_page_and_a_password_sign_in_work_while_redis_is_down(client, ivy, redis):
    redis.cut()

    assert client.get(SIGN_IN).status_code == 200
    assert _signs_in(client, "ivy", PASSWORD)


def test_the_token_endpoint_works_while_redis_is_down(client, ivy, redis):
    redis.cut()

    answer = _token(client, "ivy", PASSWORD, ip=IVYS_DESK)

    assert answer.status_code == 200
    assert answer.json()["token"]


def test_a_guesser_is_still_stopped_while_redis_is_down(client, ivy, redis):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    # Failures before the outage count too: the audit trail has them.
    for n in range(2):
        assert _attempt(client, "ivy", f"guess-{n}", ip=STRANGER).status_code == 200
    redis.cut()
    for n in range(2, limit):
        assert _attempt(client, "ivy", f"guess-{n}", ip=STRANGER).status_code == 200

    refused = _attempt(client, "ivy", PASSWORD, ip=STRANGER)
    assert refused.status_code == 429
    assert SESSION_KEY not in client.session
    refused_by_token = _token(client, "ivy", PASSWORD, ip=STRANGER)
    assert refused_by_token.status_code == 429
    # Ivy herself, at her desk, is not held back by the stranger's guesses.
    assert _signs_in(client, "ivy", PASSWORD, ip=IVYS_DESK)


def test_a_guesser_at_many_addresses_is_slowed_down_while_redis_is_down(client, ivy, redis):
    redis.cut()
    per_address = SIGN_IN_LIMIT_PER_PAIR[0] - 1
    for n in range(SIGN_IN_SLOWDOWN_PER_NAME[0]):
        assert _attempt(client, "IVY", f"guess-{n}", ip=f"192.0.2.{n // per_address + 1}").status_code == 200

    slowed = _attempt(client, "ivy", PASSWORD, ip="192.0.2.200")

    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) >= 1
    assert SESSION_KEY not in client.session


def test_a_right_password_clears_the_pair_while_redis_is_down(client, ivy, redis):
    redis.cut()
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit - 1):
        _attempt(client, "ivy", f"typo-{n}")
    assert _signs_in(client, "ivy", PASSWORD)

    for n in range(limit - 1):
        assert _attempt(client, "ivy", f"typo-again-{n}").status_code == 200
    assert _signs_in(client, "ivy", PASSWORD)


def test_a_refused_access_is_answered_while_redis_is_down(client, ivy, redis):
    client.force_login(ivy)
    redis.cut()

    # HR's pages are not an interviewer's: the refusal is recorded, counted per minute in the cache.
    refused = client.get("/hr/")

    assert refused.status_code == 403


def test_the_outage_is_logged_once_as_a_warning(client, ivy, redis, caplog):
    redis.cut()
    caplog.set_level(logging.WARNING)

    for n in range(3):
        _attempt(client, "ivy", f"guess-{n}", ip=STRANGER)
    assert _signs_in(client, "ivy", PASSWORD)

    warnings = [record for record in caplog.records if record.name == "hrsuite.degraded"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "Redis unreachable" in warnings[0].getMessage()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
