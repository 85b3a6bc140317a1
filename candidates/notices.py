"""What the outbox's messages say about an application, read at send time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Application
from notifications import registry
from notifications.rendering import public_url


class IntakeMessage(models.TextChoices):
    # To the applicant: their application came in (docs/architecture.md, "Careers page and intake").
    APPLICATION_RECEIVED = "application_received", _("Application received")
    # To the position's recruiters: a new application through the careers page or the intake API.
    APPLICATION_NEW = "application_new", _("New application")


def application_named(payload: dict) -> Application | None:
    """The application a message's payload names ({"application": id}), if it still exists."""
    if not payload.get("application"):
        return None
    return (
        Application.objects.select_related("candidate", "position").filter(pk=payload["application"]).first()
    )


def application_context(application: Application, *, language: str | None = None) -> dict:
    """What a message names of an application: the position's title in its reader's `language`."""
    return {
        "candidate_name": application.candidate.full_name,
        "position": application.position.title_in(language),
        "hr_application_url": public_url(f"/api/applications/{application.pk}/"),
    }


def _intake_context(notification, *, zone, language) -> dict:
    application = application_named(notification.payload)
    return {} if application is None else application_context(application, language=language)


def _gone(notification) -> str:
    return "" if application_named(notification.payload) is not None else "application_gone"


def register() -> None:
    registry.register(
        *(
            registry.MessageTemplate(
                name=message.value, label=message.label, context=_intake_context, stale_reason=_gone
            )
            for message in IntakeMessage
        )
    )
