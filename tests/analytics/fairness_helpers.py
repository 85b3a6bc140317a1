"""Applicants of an AI interview tool with known outcomes, scores and self-identification, made
through the services, for the fairness tests."""

from analytics.services.self_identification import self_identification_record
from candidates.services.applications import application_move
from hrsuite.roles import Role
from onboarding.services.decisions import decision_record
from tests.analytics.helpers import assessed
from tests.factories import make_position, make_user


def us_position(recruiter, region="US-NY"):
    return make_position(recruiter, region=region, time_zone="America/New_York")


def applicant(recruiter, position, *, score, advanced, sex=None, race=None):
    """An application assessed by the AI with `score`, then advanced (to the decision stage) or
    rejected; with its candidate's self-identification given in the portal when `sex` is."""
    application = assessed(recruiter, position, {"communication": score}, overall=score)
    if advanced:
        application_move(application=application, event="await_decision", actor=recruiter)
    else:
        decision_record(application=application, outcome="reject", reason="Another fit.", actor=recruiter)
    if sex is not None:
        from candidates.services.candidates import candidate_portal_link

        user = make_user(Role.CANDIDATE, username=f"c-{application.candidate_id.hex[:10]}")
        candidate_portal_link(candidate=application.candidate, user=user, actor=recruiter)
        given = {"sex": sex, "race_ethnicity": race or ""}
        self_identification_record(application=application, given=given, channel="portal", actor=user)
    return application


# The known fixture: six men (four advanced; AI scores 90 85 80 75 60 55), six women (two
# advanced; 70 65 50 45 40 35), two who did not answer (one advanced, 95; one not, 30). The
# median of all fourteen scores is 62.5, so four men and two women score above it.
KNOWN = [
    *[("male", "white", 90, True), ("male", "white", 85, True), ("male", "white", 80, True)],
    *[("male", "asian", 75, True), ("male", "asian", 60, False), ("male", "asian", 55, False)],
    *[("female", "white", 70, True), ("female", "white", 65, False), ("female", "white", 50, False)],
    *[("female", "asian", 45, True), ("female", "asian", 40, False), ("female", "declined", 35, False)],
    (None, None, 95, True),
    ("declined", "declined", 30, False),
]


def known_applicants(recruiter, position):
    return [
        applicant(recruiter, position, score=score, advanced=advanced, sex=sex, race=race)
        for sex, race, score, advanced in KNOWN
    ]
