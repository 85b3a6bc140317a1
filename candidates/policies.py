"""Who sees candidate data without the global permission (see `hrsuite.permissions`)."""

from django.db.models import Q

from candidates.models import (
    STAGES_BEFORE_OUTCOME,
    Application,
    ApplicationUserObjectPermission,
    Candidate,
    CandidateUserObjectPermission,
    PriorRecord,
    ResumeFile,
    StageChange,
)
from hrsuite.permissions import granted, has_role, link_owner, object_policy
from hrsuite.roles import Role

# The signed links in a candidate's e-mails act for that candidate, on rows that lead to them.
link_owner(Candidate)


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


@object_policy(StageChange)
def _stage_change(user, action):
    # A candidate follows their own application's timeline to its end; an interviewer reads the
    # timeline of an application assigned to them only up to where its outcome begins.
    if action != "view":
        return None
    if has_role(user, Role.CANDIDATE):
        return Q(application__candidate__user=user)
    if has_role(user, Role.INTERVIEWER):
        assigned = granted(ApplicationUserObjectPermission, user=user, codename="view_application")
        return Q(application__in=Application.objects.filter(assigned).values("pk")) & Q(
            to_stage__in=STAGES_BEFORE_OUTCOME
        )
    return None


@object_policy(PriorRecord)
def _prior_record(user, action):
    # Past performance reviews are HR's records: interviewers and candidates do not browse them.
    return None


@object_policy(ResumeFile)
def _resume_file(user, action):
    # HR reads every file (the global permission); an interviewer, the files of the candidates
    # assigned to them. A candidate gets none here: their access copy lists theirs.
    if action == "view" and has_role(user, Role.INTERVIEWER):
        assigned = granted(CandidateUserObjectPermission, user=user, codename="view_candidate")
        return Q(candidate__in=assigned.grants.values("content_object_id"))
    return None
