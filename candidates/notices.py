"""What the outbox's messages say about an application, read at send time."""

from candidates.models import Application
from notifications.rendering import public_url


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
