"""What the careers page reads: open positions, which are public, so no viewer's scope applies and
nothing about a person is read (docs/architecture.md, "Careers page and intake")."""

from django.db.models import QuerySet

from candidates.models import Position
from candidates.selectors import title_order

# The columns the pages show; the rest of a position (its team, its dimensions) stays inside.
_SHOWN = (*Position.title_columns(), "department", "region", "interview_plan", "status")


def open_positions() -> QuerySet[Position]:
    """Open positions by their title as the reader reads it; the page cuts them into pages."""
    return Position.objects.filter(status=Position.Status.OPEN).only(*_SHOWN).order_by(title_order(), "id")


def open_position(pk) -> Position | None:
    """An open position, whole: its page shows it and an application to it reads its team."""
    return Position.objects.filter(pk=pk, status=Position.Status.OPEN).select_related("owner").first()
