"""Data for the privacy tests: a candidate with a portal account of their own."""

from candidates.services.candidates import candidate_portal_link
from tests.factories import make_candidate


def candidate_of(user, recruiter, **details):
    """A candidate whose portal account is `user`."""
    candidate = make_candidate(recruiter, **details)
    candidate_portal_link(candidate=candidate, user=user, actor=recruiter)
    return candidate
