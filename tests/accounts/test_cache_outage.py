"""Signing in while Redis, which keeps the sign-in limits' counts, is out of reach: the page, a
password sign-in and the token endpoint still work, the limits still stop a guesser (counting
in the audit trail), and the outage is logged once, not once per request."""

import logging

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.sign_in_limits import SIGN_IN_LIMIT_PER_PAIR, SIGN_IN_SLOWDOWN_PER_NAME
from tests.accounts.sign_in import IVYS_DESK, PASSWORD, SIGN_IN, STRANGER, attempt, signs_in

pytestmark = [pytest.mark.services, pytest.mark.django_db]

TOKEN = "/api/auth/token/"


def _token(client, username, password, *, ip):
    credentials = {"username": username, "password": password}
    return client.post(TOKEN, credentials, content_type="application/json", REMOTE_ADDR=ip)


def test_the_sign_in_page_and_a_password_sign_in_work_while_redis_is_down(client, ivy, redis_cache_proxy):
    redis_cache_proxy.cut()

    assert client.get(SIGN_IN).status_code == 200
    assert signs_in(client, "ivy", PASSWORD)


def test_the_token_endpoint_works_while_redis_is_down(client, ivy, redis_cache_proxy):
    redis_cache_proxy.cut()

    answer = _token(client, "ivy", PASSWORD, ip=IVYS_DESK)

    assert answer.status_code == 200
    assert answer.json()["token"]


def test_a_guesser_is_still_stopped_while_redis_is_down(client, ivy, redis_cache_proxy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    # Failures before the outage count too: the audit trail has them.
    for n in range(2):
        assert attempt(client, "ivy", f"guess-{n}", ip=STRANGER).status_code == 200
    redis_cache_proxy.cut()
    for n in range(2, limit):
        assert attempt(client, "ivy", f"guess-{n}", ip=STRANGER).status_code == 200

    refused = attempt(client, "ivy", PASSWORD, ip=STRANGER)
    assert refused.status_code == 429
    assert SESSION_KEY not in client.session
    refused_by_token = _token(client, "ivy", PASSWORD, ip=STRANGER)
    assert refused_by_token.status_code == 429
    # Ivy herself, at her desk, is not held back by the stranger's guesses.
    assert signs_in(client, "ivy", PASSWORD, ip=IVYS_DESK)


def test_a_guesser_at_many_addresses_is_slowed_down_while_redis_is_down(client, ivy, redis_cache_proxy):
    redis_cache_proxy.cut()
    per_address = SIGN_IN_LIMIT_PER_PAIR[0] - 1
    for n in range(SIGN_IN_SLOWDOWN_PER_NAME[0]):
        assert attempt(client, "IVY", f"guess-{n}", ip=f"192.0.2.{n // per_address + 1}").status_code == 200

    slowed = attempt(client, "ivy", PASSWORD, ip="192.0.2.200")

    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) >= 1
    assert SESSION_KEY not in client.session


def test_a_right_password_clears_the_pair_while_redis_is_down(client, ivy, redis_cache_proxy):
    redis_cache_proxy.cut()
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit - 1):
        attempt(client, "ivy", f"typo-{n}")
    assert signs_in(client, "ivy", PASSWORD)

    for n in range(limit - 1):
        assert attempt(client, "ivy", f"typo-again-{n}").status_code == 200
    assert signs_in(client, "ivy", PASSWORD)


def test_a_refused_access_is_answered_while_redis_is_down(client, ivy, redis_cache_proxy):
    client.force_login(ivy)
    redis_cache_proxy.cut()

    # HR's pages are not an interviewer's: the refusal is recorded, counted per minute in the cache.
    refused = client.get("/hr/")

    assert refused.status_code == 403


def test_the_outage_is_logged_once_as_a_warning(client, ivy, redis_cache_proxy, caplog):
    redis_cache_proxy.cut()
    caplog.set_level(logging.WARNING)

    for n in range(3):
        attempt(client, "ivy", f"guess-{n}", ip=STRANGER)
    assert signs_in(client, "ivy", PASSWORD)

    warnings = [record for record in caplog.records if record.name == "hrsuite.degraded"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "Redis unreachable" in warnings[0].getMessage()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")
def test_the_counts_in_the_trail_are_read_along_indexes(client, ivy, redis_cache_proxy):
    """Without the cache every attempt counts in the audit trail, which grows by every request:
    reading it whole on each attempt would let a guesser make each of their tries cost a scan of
    millions of rows. The plans are asked for with sequential scans priced out, as a trail of
    millions makes them; a query no index answers still gets one."""
    redis_cache_proxy.cut()
    with CaptureQueriesContext(connection) as queries:
        attempt(client, "ivy", "guess", ip=STRANGER)
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"audit_auditevent"' in q["sql"]]

    assert counts
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in counts:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on audit_auditevent" not in plan, plan
            assert "audit_sign_ins" in plan or "audit_failed_sign_ins" in plan, plan
