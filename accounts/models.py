"""People who sign in (HR staff, interviewers, candidates and integration service users) and
their API tokens."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrsuite.models import DomainModel
from hrsuite.roles import Role


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        default="en",
        choices=[("en", "English"), ("zh-hans", "简体中文")],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()

    # Every way a password changes (the admin's forms, the portal's welcome link, `manage.py
    # changepassword`, any later one) ends in `set_password` or `set_unusable_password` and a save,
    # so the save is where a changed password ends the user's API tokens: a token taken with the
    # old password must not outlive it. `set_password` leaves the new password in `_password`
    # until the save, as Django's own password_changed() reads it; Django clears it when it only
    # rehashes the same password with a stronger hasher, which is no change.
    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_disabled = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        replaced = (self._password is not None or getattr(self, "_password_disabled", False)) and (
            update_fields is None or "password" in update_fields
        )
        existed = not self._state.adding
        super().save(*args, **kwargs)
        if replaced:
            self._password_disabled = False
            if existed:
                from accounts.services import api_tokens_revoke_all

                api_tokens_revoke_all(user=self, reason=ApiToken.RevokedBecause.PASSWORD_CHANGE)


def full_name(first_name: str, last_name: str) -> str:
    """A person's name as they write it: Chinese names family name first, with no space (林美, not
    美 林), others given name first, each part without the spaces around it."""
    first, last = first_name.strip(), last_name.strip()
    if _is_chinese(first) and _is_chinese(last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _is_chinese(name: str) -> bool:
    return bool(name) and all("\u4e00" <= char <= "\u9fff" for char in name)


def api_token_digest(secret: str) -> str:
    """What is stored of a token: its SHA-256. The secret is random (256 bits), so a fast hash
    is enough: nothing can be guessed from the digest, and sign-in looks the digest up directly."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(DomainModel):
    """A user's API token. The secret is shown once when it is issued; only its digest is kept,
    with its first characters (`prefix`) so its owner can tell it from their others.

    A token works until `expires_at` and until it is revoked: by its owner, or by a change of the
    owner's password. Revoked tokens stay, so the owner and the trail can see what happened.
    """

    class RevokedBecause(models.TextChoices):
        OWNER = "owner", _("Revoked by its owner")
        PASSWORD_CHANGE = "password_change", _("Password changed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    # What an integration's token was issued for (its service user holds exactly these
    # permissions); empty for a person's token, which acts with all of its owner's access.
    scopes = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_because = models.CharField(max_length=20, choices=RevokedBecause.choices, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user_id})"
