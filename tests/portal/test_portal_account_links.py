"""The candidate portal's account links as credentials: the welcome link sets a password checked by
the project's validators, each link works once and expires, and signing in through either starts a
fresh session (no session fixation)."""

import datetime
from urllib.parse import urlparse

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from candidates.services.portal_accounts import candidate_portal_invite, sign_in_url
from hrsuite.roles import Role
from tests.factories import make_candidate, make_user

STRONG = "quiet-harbour-lantern-47"


def _invited(recruiter, **data):
    candidate = make_candidate(recruiter, preferred_language="en", **data)
    invitation = candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()
    return candidate, urlparse(invitation.secret_payload["portal_url"]).path


def _set(client, path, password, again=None):
    return client.post(path, {"password": password, "password_again": password if again is None else again})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, problem",
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83920174659", "entirely numeric"),
        ("AdaLovelace", "too similar"),
    ],
)
def test_the_welcome_password_is_held_to_the_projects_validators(client, recruiter, password, problem):
    candidate, path = _invited(recruiter, full_name="Ada Lovelace")
    response = _set(client, path, password)
    assert response.status_code == 400 and problem in response.text
    candidate.user.refresh_from_db()
    assert not candidate.user.has_usable_password() and SESSION_KEY not in client.session


@pytest.mark.django_db
def test_the_two_passwords_must_match(client, recruiter):
    _candidate, path = _invited(recruiter)
    response = _set(client, path, STRONG, again=STRONG + "x")
    assert response.status_code == 400 and "The two passwords are not the same." in response.text


@pytest.mark.django_db
def test_the_welcome_link_works_once(client, recruiter):
    candidate, path = _invited(recruiter)
    assert _set(client, path, STRONG).status_code == 302
    client.logout()
    assert client.get(path).status_code == 410
    assert _set(client, path, "another-" + STRONG).status_code == 410
    candidate.user.refresh_from_db()
    assert candidate.user.check_password(STRONG)


@pytest.mark.django_db
def test_the_welcome_link_expires_after_seven_days(client, recruiter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        candidate, path = _invited(recruiter)
        clock.move_to(start + datetime.timedelta(days=7, seconds=1))
        assert client.get(path).status_code == 410
        assert _set(client, path, STRONG).status_code == 410
    candidate.user.refresh_from_db()
    assert not candidate.user.has_usable_password()


@pytest.mark.django_db
def test_signing_in_by_link_uses_up_an_unused_welcome_link(client, recruiter):
    candidate, welcome = _invited(recruiter)
    link = urlparse(sign_in_url(user=candidate.user)).path
    assert client.post(link).status_code == 302
    client.logout()
    assert client.get(welcome).status_code == 410


@pytest.mark.django_db
def test_setting_the_password_uses_up_an_unused_sign_in_link(client, recruiter):
    candidate, welcome = _invited(recruiter)
    link = urlparse(sign_in_url(user=candidate.user)).path
    assert _set(client, welcome, STRONG).status_code == 302
    client.logout()
    assert client.post(link).status_code == 410


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["welcome", "sign-in link"])
def test_signing_in_through_a_link_starts_a_fresh_session(client, recruiter, how):
    """A session key planted before (session fixation) is not the signed-in one."""
    candidate, welcome = _invited(recruiter)
    client.get(welcome)
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted

    if how == "welcome":
        response = _set(client, welcome, STRONG)
    else:
        response = client.post(urlparse(sign_in_url(user=candidate.user)).path)

    assert response.status_code == 302
    assert client.session.session_key != planted
    assert client.session[SESSION_KEY] == str(candidate.user.pk)


@pytest.mark.django_db
def test_a_staff_account_cannot_be_signed_in_by_a_link(client):
    recruiter = make_user(Role.RECRUITER)
    link = urlparse(sign_in_url(user=recruiter)).path
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert SESSION_KEY not in client.session
