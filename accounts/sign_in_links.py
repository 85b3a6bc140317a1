"""The one-time sign-in link by e-mail for staff (recruiters, HR admins, interviewers): the way in
for a user whom the sign-in limits hold back (`sign_in_limits`), the same kind of link the
candidate portal e-mails to candidates.

The link goes to the address on the user's account through the outbox, works for
`SIGN_IN_LINK_MAX_AGE` and once: signing in changes the account's last sign-in, which the link's
token is made over. Signing in through it counts as a right password at that address, so the
limits there are lifted. Candidates, who have no address on their account, use the portal's.
"""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from accounts.links import AccountLinkTokens, link_account
from accounts.models import User
from accounts.notices import AccountMessage
from accounts.sign_in_limits import network_of
from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import has_role
from hrsuite.rate_limits import refuse_past_limits
from hrsuite.roles import Role
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue

SIGN_IN_LINK_MAX_AGE = timedelta(minutes=15)
# (requests, window): links one user name may be sent, and one client address may ask for.
LINK_LIMIT_PER_NAME = (3, timedelta(minutes=15))
LINK_LIMIT_PER_ADDRESS = (10, timedelta(minutes=15))


class _StaffSignInTokens(AccountLinkTokens):
    key_salt = "accounts.sign-in-link"
    max_age = SIGN_IN_LINK_MAX_AGE


sign_in_tokens = _StaffSignInTokens()


def sign_in_link_url(*, user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("sign-in-link", args=[uidb64, sign_in_tokens.make_token(user)])
    return settings.HRSUITE_PUBLIC_URL.rstrip("/") + path


@transaction.atomic
def sign_in_link_request(*, username: str, ip: str | None) -> Notification | None:
    """A sign-in link to the user named, if it is an active staff account with an e-mail address.

    The caller answers alike whatever this finds (no user-name enumeration); both the name and the
    client address are rate-limited (RateLimited), known or not. Returns the queued message, or
    None when there was nobody to send it to.
    """
    username = (username or "").strip()
    if not username or len(username) > 150:
        message = gettext("Enter your user name.")
        raise ValidationFailed(message, fields={"username": [message]})
    name_key = hashlib.sha256(username.casefold().encode()).hexdigest()
    refuse_past_limits(
        "hrsuite:sign-in-link",
        {f"name:{name_key}": LINK_LIMIT_PER_NAME, f"address:{network_of(ip)}": LINK_LIMIT_PER_ADDRESS},
        gettext("Too many sign-in links were asked for. Please try again in 15 minutes."),
    )
    # The exact name, as the password check takes it (two names may differ only in case).
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not user.email or has_role(user, Role.CANDIDATE):
        return None
    template = AccountMessage.PORTAL_SIGN_IN_LINK
    notification = notification_queue(
        template=template,
        key=notification_key(template, user.pk, uuid.uuid4().hex),
        recipient_user=user,
        payload={"valid_for_minutes": int(SIGN_IN_LINK_MAX_AGE.total_seconds() // 60)},
        secret_payload={"portal_url": sign_in_link_url(user=user)},
    )
    audit_record(
        actor="account:sign-in-link-request",
        action=AuditAction.CREATE,
        target=notification,
        detail={"event": "sign_in_link", "user": user.get_username()},
    )
    return notification


@transaction.atomic
def sign_in_link_open(*, uidb64: str, token: str) -> User:
    """The account a sign-in link signs in (NotFound, LinkUnusable), locked until the caller's
    transaction ends (so two uses of one link queue, and the second finds it used), without using
    the link up: mail scanners open links before the user does. Signing in (Django's `login`)
    sets `last_login`, which is what uses it up; the caller does that in the same transaction."""
    return link_account(
        User.objects.all(),
        uidb64,
        tokens=sign_in_tokens,
        token=token,
        accept=lambda user: not has_role(user, Role.CANDIDATE),
    )
