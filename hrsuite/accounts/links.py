"""One-time links that sign a user in or let them set a password: Django password-reset style
tokens over the account's state (its password hash and last sign-in), each kind under its own salt
and with its own lifetime. Setting a password or signing in changes that state, so a link works
once without anything being stored."""

from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


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
