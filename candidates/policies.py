"""Who sees candidate data without the global permission (see `hrsuite.permissions`)."""

from django.db.models import Q

from candidates.models import (
    Application,
    ApplicationUserObjectPermission,
    Candidate,
    CandidateUserObjectPermission,
    PriorRecord,
)
from hrsuite.accounts.models import Role
from hrsuite.permissions import granted, has_role, object_policy


@object_policy(Candidate)
def _candidate(user, action):
    if action != "view":
        return None
    if has_role(user, Role.CANDIDATE):
        return Q(user=user)
    if has_role(user, Role.INTERVIEWER):
        return granted(CandidateUserObjectPermission, user=user, codename="view_candidate")
    return None


@object_policy(Application)
def _application(user, action):
    if action != "view":
        return None
    if has_role(user, Role.CANDIDATE):
        return Q(candidate__user=user)
    if has_role(user, Role.INTERVIEWER):
        return granted(ApplicationUserObjectPermission, user=user, codename="view_application")
    return None


@object_policy(PriorRecord)
def _prior_record(user, action):
    # Past performance reviews are HR's records: interviewers and candidates do not browse them.
    return None
