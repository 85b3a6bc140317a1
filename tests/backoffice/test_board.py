"""A position's pipeline board: columns, counts and cards with their flags, moving a card as the API
does (refusals included), who may, what the trail keeps, and the dashboard's counts leading to it."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from backoffice import tasks
from backoffice.selectors import board as board_selectors
from backoffice.selectors.dashboard import count_for
from candidates.models import Application, Stage
from candidates.services.applications import application_move
from interviews.services.assignments import assignment_create
from tests.factories import (
    make_application,
    make_candidate,
    make_interview,
    make_position,
    receive_assessment,
)


def _board(position) -> str:
    return reverse("hr-position-board", args=[position.pk])


@pytest.fixture
def pipeline(recruiter, interviewer):
    """A position with applications in several stages: one stuck in screening for 20 days, one
    assessed by the AI and waiting for a person, one whose scorecard is overdue."""
    position = make_position(recruiter, stuck_after_days=14)
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=20), tick=False):
        stuck = make_application(
            recruiter, candidate=make_candidate(recruiter, full_name="Stella Stuck"), position=position
        )
        application_move(application=stuck, event="screen", actor=recruiter)
    fresh = make_application(
        recruiter, candidate=make_candidate(recruiter, full_name="Fiona Fresh"), position=position
    )
    assessed = make_application(
        recruiter, candidate=make_candidate(recruiter, full_name="Ada Assessed"), position=position
    )
    application_move(application=assessed, event="interview", actor=recruiter)
    payload = {
        "overall_score": 64,
        "confidence": 0.4,
        "transcript_quality": 0.5,
        "model_version": "sim",
        "transcript": "…",
        "dimensions": [{"dimension": "communication", "score": 64, "confidence": 0.4, "evidence": []}],
    }
    # Held three days ago, and its scorecard still not written.
    with time_machine.travel(now - timedelta(days=3), tick=False):
        interview = make_interview(recruiter, application=assessed, starts_in=timedelta(hours=1))
        assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    with time_machine.travel(now - timedelta(days=3, hours=-2), tick=False):
        receive_assessment(interview, payload)
    return {"position": position, "stuck": stuck, "fresh": fresh, "assessed": assessed}


def test_each_stage_is_a_column_with_its_count_and_the_longest_waiting_first(pipeline, recruiter):
    columns = board_selectors.board_for(user=recruiter, position=pipeline["position"], now=timezone.now())

    by_stage = {column.stage: column for column in columns}
    assert [column.stage for column in columns] == [str(stage) for stage in board_selectors.BOARD_STAGES]
    assert (by_stage["applied"].count, by_stage["screening"].count, by_stage["interviewing"].count) == (
        1,
        1,
        1,
    )
    (stuck,) = by_stage["screening"].cards
    assert (stuck.name, stuck.days_in_stage, stuck.stuck) == ("Stella Stuck", 20, True)
    (fresh,) = by_stage["applied"].cards
    assert (fresh.stuck, fresh.score, fresh.needs_review) == (False, None, False)
    (assessed,) = by_stage["interviewing"].cards
    assert assessed.score == 64 and assessed.needs_review and assessed.scorecard_overdue
    assert [event for event, _, _ in fresh.moves] == ["screen", "interview", "withdraw"]


def test_a_column_shows_a_page_of_cards_and_counts_the_rest(recruiter, monkeypatch):
    monkeypatch.setattr(board_selectors, "CARDS_PER_COLUMN", 2)
    position = make_position(recruiter)
    for _ in range(3):
        make_application(recruiter, position=position)

    (applied, *_) = board_selectors.board_for(user=recruiter, position=position, now=timezone.now())

    assert (applied.count, len(applied.cards), applied.more) == (3, 2, 1)


def test_the_board_reads_as_many_queries_for_more_applications(
    recruiter, client, django_assert_max_num_queries
):
    position = make_position(recruiter)
    make_application(recruiter, position=position)
    client.force_login(recruiter)
    client.get(_board(position))
    with CaptureQueriesContext(connection) as few:
        client.get(_board(position))
    for _ in range(6):
        make_application(recruiter, position=position)
    with django_assert_max_num_queries(len(few)):
        client.get(_board(position))


def test_the_board_page_shows_cards_and_flags_and_records_who_saw_them(pipeline, client, recruiter):
    client.force_login(recruiter)
    page = client.get(_board(pipeline["position"]))

    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Stella Stuck" in text and "Ada Assessed" in text and "Fiona Fresh" in text
    assert "Stuck" in text and "Needs human review" in text and "Scorecard overdue" in text
    assert 'draggable="true"' in page.text and "board.js" in page.text
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, target_type="candidates.candidate")
    assert any(str(pipeline["stuck"].candidate_id) in event.target_ids for event in listed)


def test_moving_a_card_applies_the_applications_transition_and_refuses_what_it_refuses(
    pipeline, client, recruiter
):
    client.force_login(recruiter)
    fresh = pipeline["fresh"]

    moved = client.post(_board(pipeline["position"]), {"application": str(fresh.pk), "event": "screen"})

    assert moved.status_code == 302 and moved["Location"].endswith("#stage-screening")
    assert Application.objects.get(pk=fresh.pk).stage == Stage.SCREENING
    assert AuditEvent.objects.filter(target_id=str(fresh.pk), detail__event="screen").exists()
    # Screening again is not a move from screening: the transition table says no.
    refused = client.post(_board(pipeline["position"]), {"application": str(fresh.pk), "event": "screen"})
    assert refused.status_code == 409
    assert Application.objects.get(pk=fresh.pk).stage == Stage.SCREENING
    # Another position's application, or a forged id, is not found.
    other = make_application(recruiter)
    for forged in (str(other.pk), "not-an-id", ""):
        answer = client.post(_board(pipeline["position"]), {"application": forged, "event": "screen"})
        assert answer.status_code == 404, forged
    assert Application.objects.get(pk=other.pk).stage == Stage.APPLIED


def test_hr_admins_read_the_board_without_forms_and_others_get_nothing(
    pipeline, client, hr_admin, interviewer, candidate_user
):
    client.force_login(hr_admin)
    page = client.get(_board(pipeline["position"]))
    assert page.status_code == 200 and "data-move" not in page.text and "board.js" not in page.text
    refused = client.post(
        _board(pipeline["position"]), {"application": str(pipeline["fresh"].pk), "event": "screen"}
    )
    assert refused.status_code == 403
    assert Application.objects.get(pk=pipeline["fresh"].pk).stage == Stage.APPLIED
    for outsider in (interviewer, candidate_user):
        client.force_login(outsider)
        assert client.get(_board(pipeline["position"])).status_code in (403, 404)


def test_the_dashboards_pipeline_leads_to_the_board_and_counts_the_stuck(pipeline, recruiter, client):
    summary = count_for(user=recruiter, now=timezone.now())

    (row,) = [row for row in summary.pipeline if row["position_id"] == pipeline["position"].pk]
    assert row["stuck"] == 1
    client.force_login(recruiter)
    client.get(reverse("hr-dashboard"))  # asks for the counts
    tasks.dashboard_counts_refresh()
    page = client.get(reverse("hr-dashboard")).text
    board = _board(pipeline["position"])
    assert f'href="{board}#stage-screening"' in page and "1 stuck" in page


def test_cards_ticked_on_the_board_go_to_the_bulk_review(pipeline, client, recruiter, hr_admin):
    client.force_login(recruiter)
    page = client.get(_board(pipeline["position"])).text
    assert f'name="application" value="{pipeline["fresh"].pk}" form="bulk"' in page

    review = client.post(
        reverse("hr-candidates-bulk"),
        {
            "step": "review",
            "action": "reject",
            "reason": "Not this time.",
            "application": [str(pipeline["fresh"].pk), str(pipeline["stuck"].pk)],
            "back": f"position={pipeline['position'].pk}",
        },
    )

    assert review.status_code == 200
    assert "Fiona Fresh" in html.unescape(review.text) and "Stella Stuck" in html.unescape(review.text)
    client.force_login(hr_admin)
    assert 'form="bulk"' not in client.get(_board(pipeline["position"])).text
