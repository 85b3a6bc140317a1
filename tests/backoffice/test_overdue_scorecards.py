"""One definition of an overdue scorecard: the dashboard's count and list and the interviewers'
workspaces agree on the same data, whether the provider reported the interview's end or not."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from backoffice.models import DashboardSummary
from backoffice.selectors.dashboard import counts_refresh
from interviews.models import Interview, InterviewAssignment
from interviews.selectors import scorecards_overdue
from interviews.services.assignments import assignment_create
from interviews.services.feedback import interview_ended
from interviews.services.scheduling import assignments_follow
from interviews.services.scorecards import scorecard_save, scorecard_submit
from tests.factories import make_interview

pytestmark = pytest.mark.django_db


def _completed(recruiter, interviewer, *, days_ago: float, ended_at="scheduled end"):
    """A completed interview `days_ago`, its end reported by the provider or, as the demo's past
    interviews are recorded, never reported (ended_at None)."""
    interview = make_interview(recruiter, starts_in=-timedelta(days=days_ago), kind="live_video")
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    if ended_at == "scheduled end":
        ended_at = interview.starts_at + timedelta(minutes=interview.duration_minutes)
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.COMPLETED, ended_at=ended_at)
    interview.refresh_from_db()
    assignments_follow(interview)
    return interview


def _dashboard_count(client, recruiter) -> int:
    client.force_login(recruiter)
    counts_refresh()  # beat's run
    html = client.get(reverse("hr-dashboard")).text
    match = re.search(r'<span class="figure">(\d+)</span> scorecards overdue', html)
    return int(match.group(1))


def _workspace_badges(client, interviewer) -> int:
    client.force_login(interviewer)
    return client.get(reverse("workspace-home")).text.count('<span class="badge bad">Overdue</span>')


def test_dashboard_and_workspaces_count_the_same_overdue_scorecards(
    client, recruiter, interviewer, other_interviewer
):
    # The demo's past interviews: held days ago, no end reported, no scorecard.
    for days in (3, 6):
        _completed(recruiter, interviewer, days_ago=days, ended_at=None)
    _completed(recruiter, other_interviewer, days_ago=2, ended_at=None)
    # Reported ends: one long past, one past the window a dashboard once looked at, one too recent.
    _completed(recruiter, other_interviewer, days_ago=4)
    _completed(recruiter, interviewer, days_ago=45)
    _completed(recruiter, interviewer, days_ago=0.2, ended_at=timezone.now() - timedelta(hours=1))

    in_workspaces = _workspace_badges(client, interviewer) + _workspace_badges(client, other_interviewer)

    assert in_workspaces == 5
    assert _dashboard_count(client, recruiter) == in_workspaces


def test_a_submitted_scorecard_is_overdue_nowhere(client, recruiter, interviewer):
    interview = _completed(recruiter, interviewer, days_ago=3, ended_at=None)
    card = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 3},
        recommendation="yes",
        actor=interviewer,
    )
    scorecard_submit(scorecard=card, actor=interviewer)

    assert _workspace_badges(client, interviewer) == 0
    assert _dashboard_count(client, recruiter) == 0


def test_an_end_reported_after_the_interview_was_held_moves_the_due_time(client, recruiter, interviewer):
    """A held interview whose end was never reported is due from its booked end; the provider's
    later report of when it really ended is what its scorecard is then due from."""
    interview = _completed(recruiter, interviewer, days_ago=1.5, ended_at=None)
    assert _dashboard_count(client, recruiter) == 1

    interview_ended(interview=interview, ended_at=timezone.now() - timedelta(hours=2), actor=recruiter)
    DashboardSummary.objects.all().delete()

    assert _workspace_badges(client, interviewer) == 0
    assert _dashboard_count(client, recruiter) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")
def test_overdue_scorecards_are_counted_on_the_assignments_index_alone(recruiter, interviewer):
    """The count reads neither the interviews nor the scorecards, whose tables grow by millions:
    one index of the assignments awaiting a scorecard answers it. The plan is asked for with
    sequential scans priced out, as a table of millions makes them."""
    _completed(recruiter, interviewer, days_ago=3)
    overdue = scorecards_overdue(InterviewAssignment.objects.all(), now=timezone.now())

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = overdue.values("pk").explain()

    assert overdue.count() == 1
    assert "Index Only Scan using assignment_awaiting" in plan, plan
    assert "interviews_interview " not in plan and "interviews_scorecard" not in plan, plan
