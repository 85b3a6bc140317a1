"""Who sees ratings, validity and fairness figures without the global permission: nobody
(see `hrsuite.permissions`). Recruiters and HR admins hold the global `view` permission of ratings
and validity figures (`accounts.roles`); interviewers and candidates never see a rating, nor the
figures made from them; a performance system's integration writes ratings and reads none.

Self-identification, the fairness figures and bias audits are compliance's alone, by its global
permissions: no policy gives anyone else a row, not even the candidate (who sees their own
answers on the portal's page for them and in their access copy, read there as theirs)."""

from analytics.models import BiasAudit, FairnessResult, PerformanceRating, SelfIdentification, ValidityResult
from hrsuite.permissions import object_policy


@object_policy(PerformanceRating)
def _rating(user, action):
    return None


@object_policy(ValidityResult)
def _result(user, action):
    return None


@object_policy(SelfIdentification)
def _self_identification(user, action):
    return None


@object_policy(FairnessResult)
def _fairness(user, action):
    return None


@object_policy(BiasAudit)
def _audit(user, action):
    return None
