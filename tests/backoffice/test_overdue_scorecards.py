"""One definition of an overdue scorecard: the dashboard's count and list and the interviewers'
workspaces agree on the same data, whether the provider reported the interview's end or not."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Interview
from interviews.services.assignments import assignment_create
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
