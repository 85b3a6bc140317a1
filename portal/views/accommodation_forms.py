"""The accommodation request form and list, shared by the signed-in portal's page and the
interview link's page (docs/architecture.md, "Accommodations")."""

from hrsuite.formatting import format_time
from interviews.models import Accommodation, Interview
from interviews.services import accommodations as services

STATE_BADGES = {"requested": "warn", "granted": "ok", "declined": "neutral"}


def posted(post) -> dict:
    """What the request form sent, as typed."""
    return {
        "kind": post.get("kind", ""),
        "extra_minutes": post.get("extra_minutes", "").strip(),
        "words": post.get("words", ""),
    }


def ask(values: dict, *, interview: Interview, actor) -> Accommodation:
    return services.accommodation_request(
        interview=interview,
        kind=values["kind"],
        extra_minutes=values["extra_minutes"] if values["kind"] == Accommodation.Kind.EXTRA_TIME else None,
        words=values["words"],
        actor=actor,
    )


def rows_shown(rows: list[Accommodation], *, zone, language: str) -> list[dict]:
    return [
        {
            "accommodation": row,
            "badge": STATE_BADGES.get(row.state, ""),
            "requested": format_time(row.requested_at, zone=zone, language=language),
            "answer_by": format_time(row.answer_by, zone=zone, language=language),
            "open": row.state == Accommodation.State.REQUESTED,
        }
        for row in rows
    ]


def form_context(values: dict | None = None, errors: dict | None = None) -> dict:
    return {
        "kinds": Accommodation.Kind.choices,
        "values": values or {"kind": "", "extra_minutes": "", "words": ""},
        "errors": errors or {},
        "text_max": services.TEXT_MAX,
        "minutes_range": (services.EXTRA_MINUTES_MIN, services.EXTRA_MINUTES_MAX),
    }
