"""Data for the HR candidate page tests: a candidate with a full file, made through the services."""

import datetime

from django.urls import reverse

from audit.models import AuditEvent
from candidates.services.prior_records import prior_record_create
from interviews.services.scorecards import scorecard_save, scorecard_submit
from tests.factories import make_application, make_candidate, receive_assessment
from tests.interviews.scheduling_helpers import schedule, shanghai

# The controls only a recruiter sees: every action form posts one of these.
ACTION_MARK = 'name="action"'


def file_url(candidate) -> str:
    return reverse("hr-candidate", args=[candidate.pk])


def interview_url(interview) -> str:
    return reverse("hr-interview", args=[interview.pk])


def held_interview(recruiter, *, application, interviewer, integration, hour: int):
    """An AI interview on Tuesday 2 March 2027 at `hour` (Shanghai) with its assessment and the
    interviewer's submitted scorecard; scheduled through the service, so its messages are queued."""
    interview = schedule(
        recruiter,
        application=application,
        kind="ai_video",
        starts_at=shanghai(2027, 3, 2, hour, 0),
        interviewers=[interviewer],
    )
    receive_assessment(interview, actor=integration)
    card = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 5},
        recommendation="strong_yes",
        notes="Private note of the interviewer.",
        actor=interviewer,
    )
    scorecard_submit(scorecard=card, actor=interviewer)
    return interview


def full_file(recruiter, *, interviewer, integration, interviews: int = 1, records: int = 1, **candidate):
    """A candidate with an application, `interviews` assessed and scored interviews and `records`
    prior records."""
    person = make_candidate(recruiter, **candidate)
    application = make_application(recruiter, candidate=person)
    made = [
        held_interview(
            recruiter, application=application, interviewer=interviewer, integration=integration, hour=h
        )
        for h in range(10, 10 + interviews)
    ]
    for n in range(records):
        prior_record_create(
            candidate=person,
            actor=recruiter,
            kind="performance_review",
            title=f"Annual review {2020 + n}",
            organisation="Example Corp",
            period_start=datetime.date(2020 + n, 1, 1),
            period_end=datetime.date(2020 + n, 12, 31),
            rating="Exceeds",
            notes="Led the billing migration.",
        )
    return person, application, made


def events(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))
