"""Inviting a candidate to the portal: their account, the e-mail with a one-time welcome link, and
setting a password through it."""

import datetime
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.notices import AccountMessage
from audit.models import AuditAction, AuditEvent
from candidates.services.portal_accounts import candidate_portal_invite
from hrsuite.errors import Forbidden
from hrsuite.roles import Role
from notifications.models import Notification
from notifications.rendering import render
from notifications.services.outbox import outbox_dispatch
from tests.factories import make_candidate

pytestmark = pytest.mark.django_db

STRONG = "quiet-harbour-lantern-47"


def _path(notification) -> str:
    return urlparse(notification.secret_payload["portal_url"]).path


def _invite(recruiter, **candidate_data):
    candidate = make_candidate(recruiter, **candidate_data)
    notification = candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()
    return candidate, notification


def _raw_columns(notification) -> tuple[str, str]:
    """The row as the database holds it, without the model's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT payload, secret_payload FROM interviews_notification WHERE id = %s",
            [Notification._meta.pk.get_db_prep_value(notification.pk, connection)],
        )
        payload, secret = cursor.fetchone()
    return str(payload), str(secret)


# --- The service -----------------------------------------------------------------------------------


def test_invitation_makes_a_candidate_account_from_the_candidate_and_links_it(recruiter):
    candidate, _notification = _invite(
        recruiter,
        full_name="Mei Lin",
        email="mei.lin@example.cn",
        preferred_language="zh-hans",
        time_zone="Asia/Shanghai",
    )

    user = candidate.user
    assert user is not None and user.is_active
    assert user.has_role(Role.CANDIDATE) and not user.has_usable_password()
    assert (user.preferred_language, user.time_zone) == ("zh-hans", "Asia/Shanghai")
    # Nothing of the person in the username, and no plain copy of the (encrypted) name or address.
    assert re.fullmatch(r"c-\d{8}", user.username)
    assert "mei" not in user.username.lower() and user.email == ""
    assert (user.first_name, user.last_name) == ("", "")
    actions = set(
        AuditEvent.objects.filter(candidate_id=candidate.pk, actor=recruiter).values_list(
            "action", "target_type"
        )
    )
    assert {
        (AuditAction.CREATE, "accounts.user"),
        (AuditAction.PERMISSION_GRANT, "candidates.candidate"),
        (AuditAction.CREATE, "notifications.notification"),
    } <= actions


def test_invitation_link_travels_only_in_the_encrypted_secret_payload(recruiter):
    candidate, notification = _invite(recruiter)

    assert notification.template == AccountMessage.PORTAL_INVITATION
    assert notification.candidate_id == candidate.pk and notification.status == "pending"
    url = notification.secret_payload["portal_url"]
    token = _path(notification).rstrip("/").rsplit("/", 1)[-1]
    assert urlparse(url).path.startswith("/portal/welcome/")
    assert notification.secret_payload["username"] == candidate.user.username
    assert url not in str(notification.payload) and token not in str(notification.payload)
    raw_payload, raw_secret = _raw_columns(notification)
    assert token not in raw_payload and token not in raw_secret  # ciphertext at rest


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("en", "Your candidate portal is ready", "The link works once and for 7 days"),
        ("zh-hans", "候选人门户", "该链接只能使用一次"),
    ],
)
def test_invitation_email_renders_at_send_time_in_the_candidates_language(
    recruiter, language, subject, phrase
):
    candidate, notification = _invite(recruiter, preferred_language=language)

    message = render(notification)

    assert subject in message.subject and phrase in message.body
    assert notification.secret_payload["portal_url"] in message.body
    assert candidate.user.username in message.body
    assert message.to == [candidate.email]


def test_hr_admins_and_interviewers_may_not_invite(recruiter, hr_admin, interviewer):
    candidate = make_candidate(recruiter)
    for actor in (hr_admin, interviewer):
        with pytest.raises(Forbidden):
            candidate_portal_invite(candidate=candidate, actor=actor)
    candidate.refresh_from_db()
    assert candidate.user is None and not Notification.objects.exists()


def test_inviting_again_keeps_the_account_and_sends_a_fresh_link(recruiter):
    candidate, first = _invite(recruiter)
    second = candidate_portal_invite(candidate=candidate, actor=recruiter)

    candidate.refresh_from_db()
    assert second.pk != first.pk and second.candidate_id == candidate.pk
    assert Notification.objects.filter(template="portal_invitation").count() == 2
    assert second.secret_payload["username"] == first.secret_payload["username"] == candidate.user.username


# --- The recruiter's button ------------------------------------------------------------------------


def test_recruiter_invites_from_the_candidate_file_and_is_sent_back_there(client, recruiter):
    candidate = make_candidate(recruiter, full_name="Sam Brown")
    client.force_login(recruiter)

    response = client.post(reverse("portal-invite", args=[candidate.pk]))

    assert response.status_code == 302 and response.url == f"/hr/candidates/{candidate.pk}/"
    candidate.refresh_from_db()
    assert candidate.user is not None
    assert Notification.objects.filter(candidate=candidate, template="portal_invitation").count() == 1
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == ["Sam Brown is invited to the candidate portal: the e-mail is on its way."]


def test_the_invite_button_refuses_other_roles_and_gets(client, recruiter, hr_admin, interviewer):
    candidate = make_candidate(recruiter)
    url = reverse("portal-invite", args=[candidate.pk])
    for user in (hr_admin, interviewer):
        client.force_login(user)
        assert client.post(url).status_code == 403
    client.force_login(recruiter)
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("portal-invite", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])).status_code
        == 404
    )
    candidate.refresh_from_db()
    assert candidate.user is None


# --- The welcome link ------------------------------------------------------------------------------


def test_welcome_link_shows_the_username_and_sets_a_password_once(client, recruiter):
    candidate, notification = _invite(recruiter, preferred_language="en")
    path = _path(notification)

    page = client.get(path)
    assert page.status_code == 200 and candidate.user.username in page.text
    response = client.post(path, {"password": STRONG, "password_again": STRONG})

    assert response.status_code == 302 and response.url == reverse("portal-home")
    assert client.session[SESSION_KEY] == str(candidate.user.pk)
    candidate.user.refresh_from_db()
    assert candidate.user.check_password(STRONG)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=candidate.user).count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, target_id=str(candidate.user.pk), changed_fields=["password"]
    ).exists()

    client.logout()
    again = client.post(path, {"password": "another-" + STRONG, "password_again": "another-" + STRONG})
    assert again.status_code == 410 and "used already" in again.text
    candidate.user.refresh_from_db()
    assert candidate.user.check_password(STRONG)


def test_after_the_welcome_the_candidate_signs_in_with_username_and_password_too(client, recruiter):
    candidate, notification = _invite(recruiter)
    client.post(_path(notification), {"password": STRONG, "password_again": STRONG})
    client.logout()

    response = client.post(reverse("sign-in"), {"username": candidate.user.username, "password": STRONG})

    assert response.status_code == 302 and response.url == reverse("portal-home")
    assert client.get(reverse("portal-home")).status_code == 200


def test_a_weak_password_is_a_field_error_and_the_link_still_works(client, recruiter):
    candidate, notification = _invite(recruiter, preferred_language="en")
    path = _path(notification)

    response = client.post(path, {"password": "12345678", "password_again": "12345678"})

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text and "This password is too common." in response.text
    candidate.user.refresh_from_db()
    assert not candidate.user.has_usable_password()
    mismatch = client.post(path, {"password": STRONG, "password_again": STRONG + "x"})
    assert mismatch.status_code == 400 and "The two passwords are not the same." in mismatch.text
    assert client.post(path, {"password": STRONG, "password_again": STRONG}).status_code == 302


def test_welcome_page_speaks_the_candidates_language(client, recruiter):
    _candidate, notification = _invite(recruiter, preferred_language="zh-hans")

    response = client.post(_path(notification), {"password": "1234", "password_again": "1234"})

    assert response.status_code == 400 and response["Content-Language"] == "zh-hans"
    assert "欢迎使用候选人门户" in response.text and "密码长度太短" in response.text


def test_an_expired_welcome_link_is_refused(client, recruiter):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        candidate, notification = _invite(recruiter)
        clock.move_to(now + datetime.timedelta(days=7, minutes=1))
        response = client.post(_path(notification), {"password": STRONG, "password_again": STRONG})

    assert response.status_code == 410
    candidate.user.refresh_from_db()
    assert not candidate.user.has_usable_password()


def test_a_tampered_welcome_link_opens_nothing(client, recruiter):
    _candidate, notification = _invite(recruiter)
    path = _path(notification)
    uid, token = path.rstrip("/").split("/")[-2:]

    assert client.get(f"/portal/welcome/{uid}/{token[:-2]}xx/").status_code == 410
    assert client.get(f"/portal/welcome/Zm9v/{token}/").status_code == 404


# --- Real SMTP -------------------------------------------------------------------------------------


def test_the_invitation_reaches_a_real_smtp_server_with_its_link(recruiter, smtp_server, client):
    candidate, notification = _invite(recruiter, preferred_language="en")

    assert outbox_dispatch().sent == 1

    (message,) = smtp_server.sink.messages
    assert message["To"] == candidate.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    (link,) = re.findall(r"https?://\S+/portal/welcome/\S+/", body)
    assert link == notification.secret_payload["portal_url"]
    assert client.post(urlparse(link).path, {"password": STRONG, "password_again": STRONG}).status_code == 302
