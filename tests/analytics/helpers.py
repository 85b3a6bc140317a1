"""Hires and applicants with their scores, made through the services, for the validity tests."""

import datetime
import itertools

from django.utils import timezone

from analytics.services.ratings import RatingIn, performance_rating_record
from candidates.services.applications import application_move
from interviews.services.assignments import assignment_create
from interviews.services.scorecards import scorecard_save, scorecard_submit
from onboarding.services import offers
from tests.factories import (
    assessment_payload,
    make_application,
    make_hire,
    make_interview,
    receive_assessment,
)

# Each live interview on its own day: one interviewer holds them all.
_days = itertools.count(2)
# A half-year that is over.
FIRST_HALF = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
SECOND_HALF = (datetime.date(2026, 7, 1), datetime.date(2026, 11, 30))


def assessed(recruiter, position, scores: dict[str, float], *, overall: float | None = None):
    """An application to `position` with an AI interview held and assessed with these dimension
    scores (and overall, their mean unless given)."""
    application = make_application(recruiter, position=position)
    application_move(application=application, event="interview", actor=recruiter)
    interview = make_interview(recruiter, application=application)
    payload = assessment_payload(
        overall_score=overall if overall is not None else sum(scores.values()) / len(scores),
        dimensions=[
            {"dimension": name, "score": score, "confidence": 0.9, "evidence": []}
            for name, score in scores.items()
        ],
    )
    receive_assessment(interview, payload)
    application.refresh_from_db()
    return application


def hired(recruiter, position, scores: dict[str, float], *, overall=None, interviewer=None, human=None):
    """An assessed applicant who was hired (offer sent and accepted); with `interviewer` and
    `human` ratings, a submitted scorecard of a live interview too."""
    application = assessed(recruiter, position, scores, overall=overall)
    if interviewer is not None:
        starts_in = datetime.timedelta(days=next(_days))
        live = make_interview(recruiter, application=application, kind="live_video", starts_in=starts_in)
        assignment_create(interview=live, interviewer=interviewer, actor=recruiter)
        card = scorecard_save(interview=live, ratings=human, recommendation="yes", actor=interviewer)
        scorecard_submit(scorecard=card, actor=interviewer)
    application_move(application=application, event="await_decision", actor=recruiter)
    offer = make_hire(recruiter, application=application)
    offers.offer_answer(offer=offer, accept=True, actor="system:test")
    application.refresh_from_db()
    return application


def rate(application, rating, *, actor, period=FIRST_HALF, dimensions=None, source="hr"):
    return performance_rating_record(
        given=RatingIn(
            application=application.pk,
            period_start=period[0],
            period_end=period[1],
            rating=rating,
            dimension_ratings=dimensions,
        ),
        source=source,
        actor=actor,
    )


def today_after_periods():
    """A day after the test periods, for time_machine."""
    return timezone.make_aware(datetime.datetime(2026, 12, 7, 12, 0))
