"""The sign-in page's brute-force limit: failed sign-ins are counted per user name and per client
address in the cache; past the limit the password is not even checked, and the refusal is audited."""

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import serializers
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from candidates.services import email_index
from hrsuite.accounts.models import Role
from hrsuite.accounts.sign_in_limits import SIGN_IN_LIMIT_PER_IP, SIGN_IN_LIMIT_PER_USERNAME
from tests.factories import make_user

SIGN_IN = "/account/sign-in/"
PASSWORD = "harbour-lantern-quiet-47"


@pytest.fixture
def ivy(db):
    user = make_user(Role.INTERVIEWER, username="ivy")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _attempt(client, username, password, ip="198.51.100.7"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_after_too_many_failures_for_a_user_name_even_the_right_password_is_refused(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for n in range(limit):
        # From different addresses: the per-name count holds whoever is guessing.
        assert _attempt(client, "ivy", f"guess-{n}", ip=f"198.51.100.{n + 1}").status_code == 200

    refused = _attempt(client, "ivy", PASSWORD, ip="203.0.113.99")

    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.text
    assert SESSION_KEY not in client.session
    last = AuditEvent.objects.filter(action="login_failed").latest("seq")
    assert last.detail == {"username": "ivy", "reason": "too_many_attempts"}
    assert last.ip == "203.0.113.99"


@pytest.mark.django_db
def test_the_user_name_limit_ignores_letter_case(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for n in range(limit):
        _attempt(client, "IVY" if n % 2 else "ivy", f"guess-{n}", ip=f"198.51.100.{n + 1}")
    assert _attempt(client, "Ivy", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_one_client_address_trying_many_user_names_is_stopped(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_IP
    for n in range(limit):
        _attempt(client, f"someone-{n}", "guess", ip="192.0.2.10")

    assert _attempt(client, "ivy", PASSWORD, ip="192.0.2.10").status_code == 429
    assert SESSION_KEY not in client.session
    # Another address is not held back by it.
    assert _attempt(client, "ivy", PASSWORD, ip="192.0.2.11").status_code == 302


@pytest.mark.django_db
def test_the_limit_lifts_after_its_window(client, ivy):
    limit, window = SIGN_IN_LIMIT_PER_USERNAME
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(limit):
            _attempt(client, "ivy", f"guess-{n}")
        assert _attempt(client, "ivy", PASSWORD).status_code == 429
        traveller.shift(window.total_seconds() + 1)
        assert _attempt(client, "ivy", PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(ivy.pk)


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_user_names_failures(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for n in range(limit - 1):
        _attempt(client, "ivy", f"guess-{n}")
    assert _attempt(client, "ivy", PASSWORD).status_code == 302
    client.post(reverse("sign-out"))
    for n in range(limit - 1):
        assert _attempt(client, "ivy", f"again-{n}").status_code == 200
    assert _attempt(client, "ivy", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_refusal_is_said_in_chinese(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for n in range(limit):
        _attempt(client, "ivy", f"guess-{n}")
    refused = client.post(SIGN_IN, {"username": "ivy", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text


@pytest.mark.django_db
def test_an_e_mail_typed_as_user_name_reaches_the_trail_only_as_its_blind_index(client, ivy):
    """Candidates type their e-mail address where the user name goes; the trail keeps no address."""
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for n in range(limit + 1):  # the last one is refused by the limit
        _attempt(client, " Ada.Lovelace@Example.test", f"guess-{n}")

    failures = AuditEvent.objects.filter(action="login_failed").order_by("seq")
    expected = f"blind-index:{email_index('ada.lovelace@example.test')}"
    assert [event.detail["username"] for event in failures] == [expected] * (limit + 1)
    assert failures.last().detail["reason"] == "too_many_attempts"
    assert "lovelace" not in serializers.serialize("json", AuditEvent.objects.all()).lower()


@pytest.mark.django_db
def test_api_token_sign_in_shares_the_limit_and_never_checks_the_password_past_it(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for _ in range(limit):
        assert _attempt(client, "ivy", "wrong").status_code == 200  # the page, with its error
    answer = client.post(
        "/api/auth/token/", {"username": "ivy", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.django_db
def test_failures_through_the_api_count_towards_the_page_limit(client, ivy):
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for _ in range(limit):
        client.post("/api/auth/token/", {"username": "ivy", "password": "wrong"}, REMOTE_ADDR="203.0.113.50")
    assert _attempt(client, "ivy", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_admin_sign_in_shares_the_limit(client, ivy):
    ivy.is_staff = True
    ivy.save(update_fields=["is_staff"])
    limit, _window = SIGN_IN_LIMIT_PER_USERNAME
    for _ in range(limit):
        _attempt(client, "ivy", "wrong")
    client.post("/admin/login/", {"username": "ivy", "password": PASSWORD, "next": "/admin/"})
    assert SESSION_KEY not in client.session
