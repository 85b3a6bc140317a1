"""Who sees the candidate survey without the global permission (see `hrsuite.permissions`):
the candidate their own surveys, which they answer; interviewers and integrations none
(docs/architecture.md, "Candidate survey")."""

from django.db.models import Q

from hrsuite.permissions import has_role, link_rule, object_policy
from hrsuite.roles import Role
from interviews.survey_models import InterviewSurvey


@object_policy(InterviewSurvey)
def _survey(user, action):
    if has_role(user, Role.CANDIDATE) and action in ("view", "change"):
        return Q(candidate__user=user, candidate__erased_at__isnull=True)
    return None


# The survey link reads and answers its own survey.
link_rule("survey", InterviewSurvey, actions={"view", "change"})
