"""The messages of privacy requests, queued in the notification outbox (`privacy.emails` says
what they hold at send time and whether they still hold)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyMessage(models.TextChoices):
    # The copy answering an access request is ready: a signed link to it, valid while it is.
    ACCESS_COPY_READY = "privacy_access_copy_ready", _("Your copy of your data")
