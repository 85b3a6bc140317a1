"""Who sees privacy requests without the global permission (see `hrsuite.permissions`).

A candidate sees and makes only their own requests, and downloads only their own copy. HR holds
the global permissions (recruiters change, HR admins read); interviewers see nothing of it.
"""

from django.db.models import Q

from hrsuite.permissions import has_role, link_rule, object_policy
from hrsuite.roles import Role
from privacy.models import AccessBundle, PrivacyRequest


@object_policy(PrivacyRequest)
def _request(user, action):
    if has_role(user, Role.CANDIDATE) and action in ("view", "add"):
        return Q(candidate__user=user)
    return None


@object_policy(AccessBundle)
def _bundle(user, action):
    if has_role(user, Role.CANDIDATE) and action == "view":
        return Q(candidate__user=user)
    return None


# The link e-mailed with a copy opens that copy, the candidate's own, while it is there.
link_rule("access_copy", AccessBundle, actions={"view"}, where={"status": AccessBundle.Status.READY})
