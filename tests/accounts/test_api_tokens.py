"""API tokens: only their digest is kept, they expire, a password change or their owner revokes
them, and each user lists and revokes their own (never another's, never seeing a secret)."""

import hashlib
import io
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from audit.models import AuditAction, AuditEvent
from candidates.services.portal_accounts import candidate_portal_invite
from hrsuite.roles import Role
from tests.factories import make_api_token, make_candidate, make_user

PASSWORD = "pw-for-tests-1"


def _issue(api, user, **extra):
    answer = api.post(
        reverse("auth-token"), {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def _me(api, secret):
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    try:
        return api.get(reverse("me"))
    finally:
        api.credentials()


def test_only_the_digest_of_a_token_is_stored_and_the_secret_is_shown_once(api, interviewer):
    issued = _issue(api, interviewer, name="laptop script")

    secret = issued["token"]
    token = ApiToken.objects.get(pk=issued["id"])
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3
    assert secret not in serializers.serialize("json", ApiToken.objects.all())
    assert token.last_used_at is None
    assert _me(api, secret).json()["username"] == interviewer.username
    token.refresh_from_db()
    assert token.last_used_at is not None
    # The list never shows it again.
    listed = api.as_user(interviewer).get(reverse("api-token-list")).json()["results"]
    assert [row["name"] for row in listed] == ["laptop script"]
    assert secret not in str(listed)
    assert "token" not in listed[0] and "digest" not in listed[0]
    issue_event = AuditEvent.objects.get(action=AuditAction.CREATE, target_id=str(token.pk))
    assert issue_event.detail["event"] == "api_token_issued"


def test_each_sign_in_issues_a_new_token(api, interviewer):
    first, second = _issue(api, interviewer), _issue(api, interviewer)
    assert first["token"] != second["token"]
    assert _me(api, first["token"]).status_code == _me(api, second["token"]).status_code == 200


def test_a_token_expires_after_the_configured_days(api, interviewer, settings):
    settings.HRSUITE_API_TOKEN_DAYS = 7
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        issued = _issue(api, interviewer)
        assert issued["expires_at"] == (timezone.now() + timedelta(days=7)).isoformat().replace("+00:00", "Z")
        traveller.shift(timedelta(days=7) - timedelta(seconds=1))
        assert _me(api, issued["token"]).status_code == 200
        traveller.shift(timedelta(seconds=1))
        expired = _me(api, issued["token"])
    assert expired.status_code == 401
    assert expired.json()["error"]["message"] == "This token has expired."


def test_a_token_of_a_switched_off_account_is_refused(api, interviewer):
    secret = make_api_token(interviewer)
    interviewer.is_active = False
    interviewer.save(update_fields=["is_active"])
    assert _me(api, secret).status_code == 401


def test_a_made_up_token_is_refused(api, db):
    assert _me(api, "hrs_" + "x" * 43).status_code == 401


def test_a_password_change_revokes_every_token_of_the_user(api, interviewer, other_interviewer):
    mine = [make_api_token(interviewer), make_api_token(interviewer)]
    theirs = make_api_token(other_interviewer)

    interviewer.set_password("a-new-password-for-ivy-93")
    interviewer.save()

    for secret in mine:
        refused = _me(api, secret)
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == "This token has been revoked."
    assert _me(api, theirs).status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, target_type="accounts.apitoken").get()
    assert event.detail == {
        "event": "api_tokens_revoked",
        "user": interviewer.username,
        "reason": "password_change",
    }
    assert set(event.target_ids) == {str(t.pk) for t in ApiToken.objects.filter(user=interviewer)}


def test_switching_password_sign_in_off_revokes_the_tokens(api, interviewer):
    secret = make_api_token(interviewer)
    interviewer.set_unusable_password()
    interviewer.save(update_fields=["password"])
    assert _me(api, secret).status_code == 401


def test_upgrading_the_stored_hash_of_the_same_password_keeps_the_tokens(api, client, interviewer, settings):
    """Django rehashes a password with a stronger hasher when the user signs in; the password
    itself is the same, so nothing is revoked."""
    secret = make_api_token(interviewer)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    signed_in = client.post(reverse("sign-in"), {"username": interviewer.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    interviewer.refresh_from_db()
    assert interviewer.password.startswith("scrypt$")
    assert _me(api, secret).status_code == 200


def test_saving_other_fields_of_the_user_keeps_their_tokens(api, interviewer):
    secret = make_api_token(interviewer)
    interviewer.time_zone = "Asia/Shanghai"
    interviewer.save()
    assert _me(api, secret).status_code == 200


def test_changing_ones_password_in_the_admin_revokes_ones_tokens(api, client, recruiter):
    recruiter.is_staff = True
    recruiter.save(update_fields=["is_staff"])
    secret = make_api_token(recruiter)
    client.force_login(recruiter)
    new = "another-harbour-lantern-58"
    changed = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302, changed.content
    assert _me(api, secret).status_code == 401


def test_changepassword_command_revokes_the_tokens(api, interviewer, monkeypatch):
    secret = make_api_token(interviewer)
    new = "another-harbour-lantern-58"
    answers = iter([new, new])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", interviewer.username, stdout=io.StringIO())
    assert _me(api, secret).status_code == 401


def test_setting_a_password_through_the_portal_welcome_link_revokes_the_tokens(api, client, recruiter):
    candidate = make_candidate(recruiter)
    invitation = candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()
    secret = make_api_token(candidate.user)
    path = urlparse(invitation.secret_payload["portal_url"]).path
    new = "quiet-harbour-lantern-47"
    assert client.post(path, {"password": new, "password_again": new}).status_code == 302
    assert _me(api, secret).status_code == 401


# --- Listing and revoking one's own ----------------------------------------------------------------


def test_a_user_lists_only_their_own_tokens(api, interviewer, recruiter):
    make_api_token(interviewer, name="mine")
    make_api_token(recruiter, name="the recruiter's")
    listed = api.as_user(interviewer).get(reverse("api-token-list")).json()["results"]
    assert [row["name"] for row in listed] == ["mine"]
    others = ApiToken.objects.get(user=recruiter)
    assert api.as_user(interviewer).get(reverse("api-token-detail", args=[others.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.INTERVIEWER, Role.CANDIDATE])
def test_a_user_of_any_role_revokes_their_own_token(api, db, role):
    user = make_user(role)
    secret = make_api_token(user)
    token = ApiToken.objects.get(user=user)

    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    answer = api.post(reverse("api-token-revoke", args=[token.pk]))
    assert answer.status_code == 200, answer.content
    assert answer.json()["revoked_because"] == "owner"
    assert api.get(reverse("me")).status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(token.pk))
    assert event.actor_id == user.pk
    assert event.detail["event"] == "api_token_revoked"
    # Once is enough: again changes nothing and records nothing.
    again = api.as_user(user).post(reverse("api-token-revoke", args=[token.pk]))
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(token.pk)).count() == 1


def test_nobody_revokes_another_users_token(api, recruiter, hr_admin, interviewer):
    secret = make_api_token(interviewer)
    token = ApiToken.objects.get(user=interviewer)
    for user in (recruiter, hr_admin):
        answer = api.as_user(user).post(reverse("api-token-revoke", args=[token.pk]))
        assert answer.status_code == 404
    api.force_authenticate(None)
    assert _me(api, secret).status_code == 200


# --- Integrations ----------------------------------------------------------------------------------


def test_integration_tokens_carry_their_scopes_and_expire(api, db, settings):
    settings.HRSUITE_API_TOKEN_DAYS = 30
    out = io.StringIO()
    call_command(
        "integration_token", "provider-sim", "--scope", "assess_interviews", "--days", "5", stdout=out
    )
    secret = out.getvalue().strip().split(": ")[1]
    token = ApiToken.objects.get(digest=hashlib.sha256(secret.encode()).hexdigest())
    assert token.scopes == ["assess_interviews"]
    assert token.expires_at.date() == (timezone.now() + timedelta(days=5)).date()


def test_running_the_command_again_gives_an_existing_integration_a_further_token(api, db):
    first, second = io.StringIO(), io.StringIO()
    call_command("integration_token", "provider-sim", "--scope", "assess_interviews", stdout=first)
    call_command("integration_token", "provider-sim", "--scope", "assess_interviews", stdout=second)
    secrets = [out.getvalue().strip().split(": ")[1] for out in (first, second)]
    assert secrets[0] != secrets[1]
    assert [_me(api, secret).status_code for secret in secrets] == [200, 200]
    assert ApiToken.objects.filter(user__username="integration:provider-sim").count() == 2
