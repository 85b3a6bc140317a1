"""The accounts' messages in the notification outbox (the portal's welcome and sign-in links),
and messages to every recruiter."""

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from hrsuite.roles import Role
from notifications import registry
from notifications.services.outbox import notification_key, notification_queue


class AccountMessage(models.TextChoices):
    # The candidate portal: the invitation to set a password, and a one-time sign-in link.
    PORTAL_INVITATION = "portal_invitation", _("Your candidate portal")
    PORTAL_SIGN_IN_LINK = "portal_sign_in_link", _("Your sign-in link")


def _portal_context(notification, *, zone, language) -> dict:
    # The portal's welcome and sign-in links are credentials: they live in secret_payload only.
    return {key: notification.secret_payload.get(key, "") for key in ("portal_url", "username")}


def register() -> None:
    registry.register(
        *(
            registry.MessageTemplate(name=message.value, label=message.label, context=_portal_context)
            for message in AccountMessage
        )
    )


def recruiters_notify(
    *,
    template: str,
    reason: str,
    interview=None,
    application=None,
    extra: dict | None = None,
    due_at: datetime | None = None,
) -> int:
    """Queue `template` for the recruiters, once per recruiter and reason, about `interview` or,
    where there is none (decisions, checks, onboarding), about `application`.

    A Position has no owning recruiter (yet), so every active user with the recruiter role is told;
    when positions get owners, this is the one place to narrow it.
    """
    if (interview is None) == (application is None):
        raise ValueError("A recruiters' message is about an interview or an application.")
    subject_id = interview.pk if interview is not None else application.pk
    application_id = interview.application_id if interview is not None else application.pk
    recruiters = User.objects.filter(groups__name=Role.RECRUITER.value, is_active=True).order_by("pk")
    count = 0
    for recruiter in recruiters:
        notification_queue(
            template=template,
            key=notification_key(template, subject_id, reason, recruiter.pk),
            due_at=due_at,
            recipient_user=recruiter,
            interview=interview,
            payload={"reason": reason, "application": str(application_id), **(extra or {})},
        )
        count += 1
    return count
