"""Who sees ratings and validity figures without the global permission: nobody
(see `hrsuite.permissions`). Recruiters and HR admins hold the global `view` permission
(`accounts.roles`); interviewers and candidates never see a rating, nor the figures made from
them; a performance system's integration writes ratings and reads none."""

from analytics.models import PerformanceRating, ValidityResult
from hrsuite.permissions import object_policy


@object_policy(PerformanceRating)
def _rating(user, action):
    return None


@object_policy(ValidityResult)
def _result(user, action):
    return None
