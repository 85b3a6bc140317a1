"""Who sees interview data without the global permission (see `hrsuite.permissions`)."""

from django.db.models import Q

from hrsuite.permissions import granted, has_role, link_rule, object_policy
from hrsuite.roles import Role
from interviews.models import (
    Accommodation,
    AIAssessment,
    Consent,
    Interview,
    InterviewAssignment,
    InterviewUserObjectPermission,
    Scorecard,
)


def _assigned_interviews(user) -> Q:
    return granted(InterviewUserObjectPermission, user=user, codename="view_interview")


@object_policy(Interview)
def _interview(user, action):
    if action != "view":
        return None
    if has_role(user, Role.CANDIDATE):
        return Q(application__candidate__user=user)
    if has_role(user, Role.INTERVIEWER):
        return _assigned_interviews(user)
    return None


@object_policy(AIAssessment)
def _assessment(user, action):
    if action != "view":
        return None
    if has_role(user, Role.CANDIDATE):
        # Only once HR has released the result to the candidate.
        return Q(interview__application__candidate__user=user, interview__results_released_at__isnull=False)
    if has_role(user, Role.INTERVIEWER):
        # The grants' interview keys themselves: beside one interview (its page), the database
        # looks it up among them, where an array of every granted interview took 22 ms at 30,000.
        return Q(interview__in=_assigned_interviews(user).grants.values("content_object_id"))
    return None


@object_policy(Scorecard)
def _scorecard(user, action):
    # Interviewers see and write only their own scorecard, so ratings stay independent;
    # candidates never see scorecards (they hold interviewers' private notes).
    if not has_role(user, Role.INTERVIEWER):
        return None
    if action == "view":
        return Q(interviewer=user)
    if action in ("add", "change"):
        return Q(interviewer=user, status=Scorecard.Status.DRAFT)
    return None


@object_policy(InterviewAssignment)
def _assignment(user, action):
    if action == "view" and has_role(user, Role.INTERVIEWER):
        return Q(interviewer=user)
    return None


@object_policy(Consent)
def _consent(user, action):
    # A candidate sees and gives only their own consent; interviewers see none (they assess what
    # the candidate says, and need not know who refused what).
    if has_role(user, Role.CANDIDATE) and action in ("view", "add"):
        return Q(candidate__user=user)
    return None


@object_policy(Accommodation)
def _accommodation(user, action):
    # The candidate sees and asks for their own. An interviewer sees that one applies to an
    # interview they are assigned to (granted only), and what it changes; the candidate's words
    # and HR's answer are concealed from them (the model's field declarations), as is who decided.
    if has_role(user, Role.CANDIDATE) and action in ("view", "add"):
        return Q(interview__application__candidate__user=user)
    if action == "view" and has_role(user, Role.INTERVIEWER):
        return Q(
            interview__in=_assigned_interviews(user).grants.values("content_object_id"),
            state=Accommodation.State.GRANTED,
        )
    return None


# A candidate's interview link moves their interview (a change of it). The consent and reschedule
# links act through services that take the candidate from the link itself, so they need no rule.
link_rule("interview", Interview, actions={"view", "change"})
# ... and asks for an accommodation for it, and sees those they asked for.
link_rule("interview", Accommodation, actions={"view", "add"})
