"""The dashboard's pipeline counts: the open positions with the most applications, largest first,
each with its applications by stage; closed or held positions and positions nobody applied to
are left out."""

import pytest
from django.utils import timezone

from backoffice.selectors.dashboard import PIPELINE_POSITIONS, count_for
from candidates.models import Position, Stage
from candidates.services.applications import application_move
from tests.factories import make_application, make_position

pytestmark = pytest.mark.django_db


def _applications(recruiter, position, count: int) -> None:
    for _ in range(count):
        make_application(recruiter, position=position)


def test_pipeline_shows_the_open_positions_with_the_most_applications_largest_first(recruiter):
    sizes = [3, 1, 4, 1, 5, 9, 2, 6, 5]  # nine open positions with applications
    positions = [make_position(recruiter, title_en=f"Post {n}") for n in range(len(sizes))]
    for position, size in zip(positions, sizes, strict=True):
        _applications(recruiter, position, size)
    closed, held = make_position(recruiter, title_en="Closed"), make_position(recruiter, title_en="Held")
    _applications(recruiter, closed, 10)
    _applications(recruiter, held, 10)
    Position.objects.filter(pk=closed.pk).update(status=Position.Status.CLOSED)
    Position.objects.filter(pk=held.pk).update(status=Position.Status.ON_HOLD)
    make_position(recruiter, title_en="Nobody applied")

    summary = count_for(user=recruiter, now=timezone.now())

    assert summary.open_positions == len(sizes) + 1
    shown = [(row["title_en"], row["total"]) for row in summary.pipeline]
    # Largest first, ties by title; only the first PIPELINE_POSITIONS, and one of the two
    # positions with a single application is left out.
    assert shown == [
        ("Post 5", 9),
        ("Post 7", 6),
        ("Post 4", 5),
        ("Post 8", 5),
        ("Post 2", 4),
        ("Post 0", 3),
        ("Post 6", 2),
        ("Post 1", 1),
    ]
    assert len(shown) == PIPELINE_POSITIONS
    first = summary.pipeline[0]
    assert first["position_id"] == positions[5].pk and first["department"] == "Engineering"
    assert first[Stage.APPLIED] == 9 and first[Stage.HIRED] == 0 and first[Stage.REJECTED] == 0


def test_pipeline_counts_each_stage_of_a_position(recruiter):
    position = make_position(recruiter)
    _applications(recruiter, position, 3)
    moved = position.applications.order_by("created_at").first()
    application_move(application=moved, event="screen", actor=recruiter)

    (row,) = count_for(user=recruiter, now=timezone.now()).pipeline
    assert row["total"] == 3
    assert (row[Stage.APPLIED], row[Stage.SCREENING], row[Stage.INTERVIEWING]) == (2, 1, 0)
