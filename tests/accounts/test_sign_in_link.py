"""The one-time sign-in link by e-mail for staff: a way in for a user the sign-in limits hold back,
that works once, expires, lifts the limit at the address it is used from, and tells nobody which
user names exist."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.notices import AccountMessage
from accounts.sign_in_limits import SIGN_IN_LIMIT_PER_PAIR
from audit.models import AuditAction, AuditEvent
from hrsuite.roles import Role
from notifications.models import Notification
from notifications.services.outbox import outbox_dispatch
from tests.factories import make_user

PASSWORD = "harbour-lantern-quiet-47"
DESK = "198.51.100.7"


@pytest.fixture
def ivy(db):
    user = make_user(Role.INTERVIEWER, username="ivy", email="ivy@example.test")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _sign_in(client, password, ip=DESK):
    return client.post(reverse("sign-in"), {"username": "ivy", "password": password}, REMOTE_ADDR=ip)


def _lock_out(client):
    limit, _window = SIGN_IN_LIMIT_PER_PAIR
    for n in range(limit):
        _sign_in(client, f"typo-{n}")
    assert _sign_in(client, PASSWORD).status_code == 429


def _ask_for_link(client, username="ivy", ip=DESK):
    return client.post(reverse("sign-in-link-request"), {"username": username}, REMOTE_ADDR=ip)


def _link_from_the_email() -> str:
    outbox_dispatch()
    (message,) = mail.outbox
    match = re.search(r"https?://[^/\s]+(/account/sign-in/link/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_a_locked_out_user_signs_in_once_through_the_e_mailed_link_and_is_unlocked(client, ivy):
    _lock_out(client)
    asked = _ask_for_link(client)
    assert asked.status_code == 302
    notification = Notification.objects.get(recipient_user=ivy)
    assert notification.template == AccountMessage.PORTAL_SIGN_IN_LINK
    path = _link_from_the_email()
    (message,) = mail.outbox
    assert message.to == ["ivy@example.test"]
    assert "candidate portal" not in message.body

    # A mail scanner's fetch changes nothing; the button signs in.
    page = client.get(path)
    assert page.status_code == 200 and SESSION_KEY not in client.session
    assert re.search(r'<button type="submit">Sign in</button>', page.text)
    signed_in = client.post(path, REMOTE_ADDR=DESK)
    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY] == str(ivy.pk)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=ivy).count() == 1

    # Once only.
    client.logout()
    assert client.post(path, REMOTE_ADDR=DESK).status_code == 410
    assert SESSION_KEY not in client.session
    # And the limit at her desk is lifted: her password works there again.
    assert _sign_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_e_mailed_link_expires_after_fifteen_minutes(client, ivy):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _ask_for_link(client)
        path = _link_from_the_email()
        clock.move_to(start + datetime.timedelta(minutes=15, seconds=1))
        late = client.post(path)
    assert late.status_code == 410
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_asking_for_a_link_answers_alike_for_every_name(client, ivy):
    make_user(Role.INTERVIEWER, username="no-address", email="")
    make_user(Role.CANDIDATE, username="c-12345678", email="")
    answers = [
        _ask_for_link(client, name) for name in ("ivy", "IVY", "nobody-here", "no-address", "c-12345678")
    ]
    assert {(answer.status_code, answer.url) for answer in answers} == {
        (302, f"{reverse('sign-in-link-request')}?sent=1")
    }
    assert list(Notification.objects.values_list("recipient_user", flat=True)) == [ivy.pk]
    assert "If this user name has an e-mail address" in client.get(answers[0].url).text


@pytest.mark.django_db
def test_links_are_rate_limited_per_name_and_per_address(client, ivy):
    answers = [_ask_for_link(client).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert Notification.objects.filter(recipient_user=ivy).count() == 3
    answers = [_ask_for_link(client, f"name-{n}", ip="203.0.113.5").status_code for n in range(11)]
    assert answers[-1] == 429


@pytest.mark.django_db
def test_a_link_of_a_switched_off_account_does_not_sign_in(client, ivy):
    _ask_for_link(client)
    path = _link_from_the_email()
    ivy.is_active = False
    ivy.save(update_fields=["is_active"])
    assert client.post(path).status_code == 404
    assert SESSION_KEY not in client.session


def test_the_links_token_never_reaches_a_log_line():
    from hrsuite.logging import redact_link_tokens

    line = '"POST /account/sign-in/link/MTI/cj3k2p-8f1e0c2a9b7d6e5f4a3b/ HTTP/1.1" 302'
    assert redact_link_tokens(line) == '"POST /account/sign-in/link/MTI/[redacted]/ HTTP/1.1" 302'
