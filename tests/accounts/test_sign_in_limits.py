"""The brute-force limits on password sign-in, through real requests: a guesser at one address is
stopped there, a guesser at many addresses is slowed down, an address trying many names is held
to the names known there, and none of it lets a stranger lock a user out of their own address."""

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import serializers
from django.urls import reverse
from django.utils import timezone

from accounts.sign_in_limits import (
    SIGN_IN_LIMIT_PER_ADDRESS,
    SIGN_IN_LIMIT_PER_PAIR,
    SIGN_IN_SLOWDOWN_PER_NAME,
)
from audit.models import AuditEvent
from candidates.services.candidates import email_index
from hrsuite.roles import Role
from tests.accounts.sign_in import IVYS_DESK, PASSWORD, SIGN_IN, STRANGER, attempt, signs_in
from tests.factories import make_user


def _known_at_her_desk(client):
    assert signs_in(client, "ivy", PASSWORD)


def _fail_from_many_addresses(client, username, count):
    """`count` wrong passwords, spread so that no one address reaches the pair limit."""
    per_address = SIGN_IN_LIMIT_PER_PAIR[0] - 1
    for n in range(count):
        attempt(client, username, f"guess-{n}", ip=f"192.0.2.{n // per_address + 1}")


# --- A stranger cannot lock the real user out ------------------------------------------------------


@pytest.mark.django_db
def test_a_stranger_failing_from_many_addresses_does_not_lock_ivy_out_of_her_desk(client, ivy):
    _known_at_her_desk(client)
    _fail_from_many_addresses(client, "ivy", 60)

    assert signs_in(client, "ivy", PASSWORD, ip=IVYS_DESK)


@pytest.mark.django_db
def test_a_stranger_failing_at_one_address_locks_only_that_address(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit):
        assert attempt(client, "ivy", f"guess-{n}", ip=STRANGER).status_code == 200

    # The brute force stops there: the right password is not even checked.
    refused = attempt(client, "ivy", PASSWORD, ip=STRANGER)
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.text
    assert SESSION_KEY not in client.session
    last = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert last.detail == {"username": "ivy", "reason": "too_many_attempts"}
    assert last.ip == STRANGER
    # Ivy, elsewhere, is not held back by it, even at an address she never used.
    assert signs_in(client, "ivy", PASSWORD, ip="198.51.100.200")


# --- The name is slowed down, not locked -----------------------------------------------------------


@pytest.mark.django_db
def test_past_many_failures_a_name_is_slowed_down_for_new_addresses_right_password_or_not(client, ivy):
    after, _window, _longest = SIGN_IN_SLOWDOWN_PER_NAME
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail_from_many_addresses(client, "ivy", after)

        # The same answer whether the password is right or not: it tells a guesser nothing.
        wrong = attempt(client, "ivy", "guess-again", ip=STRANGER)
        right = attempt(client, "ivy", PASSWORD, ip="198.51.100.200")
        for answer in (wrong, right):
            assert answer.status_code == 429
            assert answer.headers["Retry-After"] == "1"
            assert "try again in 1 second" in answer.text
        assert SESSION_KEY not in client.session

        clock.shift(1)
        assert attempt(client, "ivy", "guess-again", ip=STRANGER).status_code == 200
        # Each further failure doubles the wait.
        assert attempt(client, "ivy", PASSWORD, ip=STRANGER).headers["Retry-After"] == "2"
        clock.shift(2)
        assert signs_in(client, "ivy", PASSWORD, ip="198.51.100.200")


@pytest.mark.django_db
def test_slowing_a_name_down_does_not_slow_the_addresses_its_user_signed_in_from(client, ivy):
    after, _window, _longest = SIGN_IN_SLOWDOWN_PER_NAME
    _known_at_her_desk(client)
    _fail_from_many_addresses(client, "ivy", after + 5)
    assert attempt(client, "ivy", PASSWORD, ip="198.51.100.200").status_code == 429
    assert signs_in(client, "ivy", PASSWORD, ip=IVYS_DESK)


# --- One address, many names -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_address_trying_many_names_may_go_on_only_with_names_known_there(client, ivy):
    office = "192.0.2.10"
    _known_at_her_desk_in = signs_in(client, "ivy", PASSWORD, ip=office)
    assert _known_at_her_desk_in
    newcomer = make_user(Role.RECRUITER, username="newcomer")
    newcomer.set_password(PASSWORD)
    newcomer.save(update_fields=["password"])

    limit, _window = SIGN_IN_LIMIT_PER_ADDRESS
    for n in range(limit):
        attempt(client, f"someone-{n}", "Spring2026!", ip=office)

    # A name never signed in from here waits, right password or not ...
    assert attempt(client, "newcomer", PASSWORD, ip=office).status_code == 429
    assert SESSION_KEY not in client.session
    # ... but a colleague who has signed in from this office before still gets in,
    assert signs_in(client, "ivy", PASSWORD, ip=office)
    # and another address is not held back by it.
    assert signs_in(client, "newcomer", PASSWORD, ip="192.0.2.11")


# --- Windows, letter case, clearing ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_pair_limit_ignores_letter_case(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit):
        attempt(client, "IVY" if n % 2 else "ivy", f"guess-{n}")
    assert attempt(client, "Ivy", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_ipv6_addresses_of_one_network_share_a_count(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit):
        attempt(client, "ivy", f"guess-{n}", ip=f"2001:db8:1:2::{n + 1:x}")
    assert attempt(client, "ivy", PASSWORD, ip="2001:db8:1:2::ffff").status_code == 429
    assert signs_in(client, "ivy", PASSWORD, ip="2001:db8:1:3::1")


@pytest.mark.django_db
def test_the_limit_lifts_after_its_window(client, ivy):
    limit, window = SIGN_IN_LIMIT_PER_PAIR
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(limit):
            attempt(client, "ivy", f"guess-{n}")
        assert attempt(client, "ivy", PASSWORD).status_code == 429
        traveller.shift(window.total_seconds() + 1)
        assert attempt(client, "ivy", PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(ivy.pk)


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_failures_at_that_address(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit - 1):
        attempt(client, "ivy", f"guess-{n}")
    assert attempt(client, "ivy", PASSWORD).status_code == 302
    client.post(reverse("sign-out"))
    for n in range(limit - 1):
        assert attempt(client, "ivy", f"again-{n}").status_code == 200
    assert attempt(client, "ivy", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_refusal_is_said_in_chinese_and_offers_the_e_mailed_link(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit):
        attempt(client, "ivy", f"guess-{n}")
    refused = client.post(
        SIGN_IN,
        {"username": "ivy", "password": PASSWORD},
        REMOTE_ADDR=IVYS_DESK,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text
    assert reverse("sign-in-link-request") in refused.text


@pytest.mark.django_db
def test_an_e_mail_typed_as_user_name_reaches_the_trail_only_as_its_blind_index(client, ivy):
    """Candidates type their e-mail address where the user name goes; the trail keeps no address."""
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit + 1):  # the last one is refused by the limit
        attempt(client, " Ada.Lovelace@Example.test", f"guess-{n}")

    failures = AuditEvent.objects.filter(action="login_failed").order_by("id")
    expected = f"blind-index:{email_index('ada.lovelace@example.test')}"
    assert [event.detail["username"] for event in failures] == [expected] * (limit + 1)
    assert failures.last().detail["reason"] == "too_many_attempts"
    assert "lovelace" not in serializers.serialize("json", AuditEvent.objects.all()).lower()


# --- The same limits behind every way in -----------------------------------------------------------


@pytest.mark.django_db
def test_api_token_sign_in_shares_the_limit_and_never_checks_the_password_past_it(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for _ in range(limit):
        assert attempt(client, "ivy", "wrong").status_code == 200  # the page, with its error
    answer = client.post("/api/auth/token/", {"username": "ivy", "password": PASSWORD}, REMOTE_ADDR=IVYS_DESK)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == str(int(_window.total_seconds()))
    assert answer.json()["error"]["code"] == "too_many_attempts"
    assert "token" not in answer.json()
    last = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert last.detail == {"username": "ivy", "reason": "too_many_attempts"}


@pytest.mark.django_db
def test_failures_through_the_api_count_towards_the_page_limit(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for _ in range(limit):
        client.post("/api/auth/token/", {"username": "ivy", "password": "wrong"}, REMOTE_ADDR=IVYS_DESK)
    assert attempt(client, "ivy", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_admin_sign_in_shares_the_limit(client, ivy):
    ivy.is_staff = True
    ivy.save(update_fields=["is_staff"])
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for _ in range(limit):
        attempt(client, "ivy", "wrong")
    client.post(
        "/admin/login/", {"username": "ivy", "password": PASSWORD, "next": "/admin/"}, REMOTE_ADDR=IVYS_DESK
    )
    assert SESSION_KEY not in client.session
