"""The candidate portal's accounts: the recruiter's invitation, the welcome link that sets a
password, and the one-time sign-in link by e-mail.

Both links are Django password-reset style tokens over the account's state (its password hash and
last sign-in), each under its own salt and with its own lifetime: setting a password or signing in
changes that state, so a link works once without anything being stored. The links travel in the
outbox row's encrypted `secret_payload` only. The account keeps no copy of the candidate's e-mail
address (it stays encrypted on the Candidate) and its username says nothing about the person.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from accounts.links import AccountLinkTokens, link_account
from accounts.models import User
from accounts.notices import AccountMessage
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Candidate
from candidates.services.candidates import candidate_portal_link, email_index, normalise_email
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.rate_limits import refuse_past_limits
from hrsuite.roles import Role
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue

WELCOME_LINK_MAX_AGE = timedelta(days=7)
SIGN_IN_LINK_MAX_AGE = timedelta(minutes=15)
# (requests, window): sign-in links one address may ask for, and one client address.
SIGN_IN_LIMIT_PER_ADDRESS = (3, timedelta(minutes=15))
SIGN_IN_LIMIT_PER_IP = (10, timedelta(minutes=15))

_USERNAME_DIGITS = 8


# --- The two links ---------------------------------------------------------------------------------


class _WelcomeTokens(AccountLinkTokens):
    key_salt = "hrsuite.candidates.portal-welcome"
    max_age = WELCOME_LINK_MAX_AGE


class _SignInTokens(AccountLinkTokens):
    key_salt = "hrsuite.candidates.portal-sign-in"
    max_age = SIGN_IN_LINK_MAX_AGE


welcome_tokens = _WelcomeTokens()
sign_in_tokens = _SignInTokens()


def _link(tokens: AccountLinkTokens, route: str, user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(route, args=[uidb64, tokens.make_token(user)])
    return settings.HRSUITE_PUBLIC_URL.rstrip("/") + path


def welcome_url(*, user: User) -> str:
    return _link(welcome_tokens, "portal-welcome", user)


def sign_in_url(*, user: User) -> str:
    return _link(sign_in_tokens, "portal-sign-in-link", user)


def _link_user(uidb64: str, *, tokens: AccountLinkTokens, token: str) -> User:
    """The active candidate account a link names, locked until the caller's transaction ends (so
    two uses of one link queue, and the second finds it used). NotFound when the link names no
    such account, LinkUnusable when its token no longer holds."""
    return link_account(
        User.objects.select_related("candidate").filter(candidate__isnull=False),
        uidb64,
        tokens=tokens,
        token=token,
        accept=lambda user: has_role(user, Role.CANDIDATE),
    )


# --- Invitation ------------------------------------------------------------------------------------


def _as_named(user: User) -> User:
    """The account as the password validators see it: with the candidate's name and address,
    which it does not keep, so that a password made of them is refused as too similar."""
    candidate = Candidate.objects.filter(user=user).first()
    if candidate is None:
        return user
    named = User(pk=user.pk, username=user.username, email=candidate.email)
    named.first_name = candidate.full_name
    return named


def _fresh_username() -> str:
    """`c-` and random digits: nothing of the person, easy to type on a phone."""
    while True:
        username = f"c-{secrets.randbelow(10**_USERNAME_DIGITS):0{_USERNAME_DIGITS}d}"
        if not User.objects.filter(username=username).exists():
            return username


def _account_create(*, candidate: Candidate, actor) -> User:
    user = User(
        # No name or address: the candidate's stay encrypted on their record, under their key.
        username=_fresh_username(),
        preferred_language=candidate.preferred_language,
        time_zone=candidate.time_zone or "UTC",
        is_active=True,
    )
    user.set_unusable_password()
    user.save(force_insert=True)
    user.groups.add(Group.objects.get(name=Role.CANDIDATE.value))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=user,
        candidate_id=candidate.pk,
        changed_fields=["username", "preferred_language", "time_zone", "groups"],
        detail={"role": Role.CANDIDATE.value},
    )
    return user


@transaction.atomic
def candidate_portal_invite(*, candidate: Candidate, actor) -> Notification:
    """A recruiter invites a candidate to the portal: their account is made (once) and linked to
    them, and an e-mail with a link to set a password is queued, in their language.

    Inviting again sends a fresh link; the account stays as it is. HR admins and interviewers may
    not invite (Forbidden).
    """
    require(actor, "change", Candidate)
    candidate = get_for_change(Candidate.objects.select_related("user"), user=actor, pk=candidate.pk)
    user = candidate.user
    if user is None:
        user = _account_create(candidate=candidate, actor=actor)
        candidate = candidate_portal_link(candidate=candidate, user=user, actor=actor)
    elif not user.is_active:
        message = gettext("The candidate's portal account is switched off.")
        raise ValidationFailed(message, fields={"user": [message]})
    template = AccountMessage.PORTAL_INVITATION
    notification = notification_queue(
        template=template,
        key=notification_key(template, candidate.pk, uuid.uuid4().hex),
        candidate=candidate,
        language=user.preferred_language,
        payload={"valid_for_days": WELCOME_LINK_MAX_AGE.days},
        secret_payload={"portal_url": welcome_url(user=user), "username": user.get_username()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=notification,
        detail={"event": "portal_invitation", "user": user.get_username()},
    )
    return notification


# --- Welcome: the candidate sets a password --------------------------------------------------------


@transaction.atomic
def portal_welcome_open(*, uidb64: str, token: str) -> User:
    """The account a welcome link sets the password of (NotFound, LinkUnusable)."""
    return _link_user(uidb64, tokens=welcome_tokens, token=token)


@transaction.atomic
def portal_password_set(*, uidb64: str, token: str, password: str, password_again: str) -> User:
    """The candidate's first password, through their welcome link, checked by the project's
    password validators. Setting it changes the password hash, so the link works once."""
    user = _link_user(uidb64, tokens=welcome_tokens, token=token)
    errors: dict[str, list[str]] = {}
    if not password:
        errors["password"] = [gettext("Choose a password.")]
    else:
        try:
            validate_password(password, _as_named(user))
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if not errors and password != password_again:
        errors["password_again"] = [gettext("The two passwords are not the same.")]
    if errors:
        raise ValidationFailed(gettext("Your password was not set."), fields=errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        target=user,
        candidate_id=user.candidate.pk,
        changed_fields=["password"],
        detail={"event": "portal_welcome"},
    )
    return user


# --- The sign-in link ------------------------------------------------------------------------------


@transaction.atomic
def portal_sign_in_link_request(*, email: str, ip: str | None) -> Notification | None:
    """A sign-in link to the address, if it belongs to a candidate with an active portal account.

    The caller answers alike whatever this finds (no account enumeration); both the address and
    the client address are rate-limited (RateLimited), known or not. Returns the queued message,
    or None when there was nobody to send it to.
    """
    email = normalise_email(email or "")
    if "@" not in email or len(email) > 254:
        message = gettext("Enter the e-mail address your invitation came to.")
        raise ValidationFailed(message, fields={"email": [message]})
    index = email_index(email)
    refuse_past_limits(
        "hrsuite:portal-sign-in",
        {f"address:{index}": SIGN_IN_LIMIT_PER_ADDRESS, f"ip:{ip or 'unknown'}": SIGN_IN_LIMIT_PER_IP},
        gettext("Too many sign-in links were asked for. Please try again in 15 minutes."),
    )
    candidate = Candidate.objects.select_related("user").filter(email_index=index).first()
    user = candidate.user if candidate is not None else None
    if user is None or not user.is_active or not has_role(user, Role.CANDIDATE):
        return None
    template = AccountMessage.PORTAL_SIGN_IN_LINK
    notification = notification_queue(
        template=template,
        key=notification_key(template, candidate.pk, uuid.uuid4().hex),
        candidate=candidate,
        language=user.preferred_language,
        payload={"valid_for_minutes": int(SIGN_IN_LINK_MAX_AGE.total_seconds() // 60)},
        secret_payload={"portal_url": sign_in_url(user=user)},
    )
    audit_record(
        actor="portal:sign-in-request",
        action=AuditAction.CREATE,
        target=notification,
        detail={"event": "portal_sign_in_link", "user": user.get_username()},
    )
    return notification


@transaction.atomic
def portal_sign_in_link_open(*, uidb64: str, token: str) -> User:
    """The account a sign-in link signs in (NotFound, LinkUnusable), without using the link up:
    mail scanners open links before the candidate does. Signing in (Django's `login`) sets
    `last_login`, which is what uses it up; the caller does that in the same transaction."""
    return _link_user(uidb64, tokens=sign_in_tokens, token=token)
