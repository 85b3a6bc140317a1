"""One-time links that sign a user in or let them set a password: Django password-reset style
tokens over the account's state (its password hash and last sign-in), each kind under its own salt
and with its own lifetime. Setting a password or signing in changes that state, so a link works
once without anything being stored."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, urlsafe_base64_decode
from django.utils.translation import gettext

from hrsuite.errors import ApplicationError, NotFound


class AccountLinkTokens(PasswordResetTokenGenerator):
    """A password-reset token with its own salt and lifetime (not PASSWORD_RESET_TIMEOUT)."""

    max_age: timedelta

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        genuine = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        age = self._num_seconds(self._now()) - timestamp
        return genuine and 0 <= age <= self.max_age.total_seconds()


class LinkUnusable(ApplicationError):
    """A genuine account's link that has expired or has been used already."""

    status_code = 410
    code = "link_unusable"


def link_account(accounts: QuerySet, uidb64: str, *, tokens: AccountLinkTokens, token: str, accept: Callable):
    """The active account among `accounts` that a link names and `accept` takes, locked until the
    caller's transaction ends (so two uses of one link queue, and the second finds it used).
    NotFound when the link names no such account, LinkUnusable when its token no longer holds."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        raise NotFound(gettext("This link is not valid.")) from None
    user = accounts.select_for_update(of=("self",)).filter(pk=pk, is_active=True).first()
    if user is None or not accept(user):
        raise NotFound(gettext("This link is not valid."))
    if not tokens.check_token(user, token):
        raise LinkUnusable(gettext("This link has expired or has been used already."))
    return user
