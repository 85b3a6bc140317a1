"""Who sees onboarding data without the global permission (see `hrsuite.permissions`).

Interviewers see no decisions, offers, salaries, checks or onboarding. A candidate sees their own
rejection (to ask for a re-review) and their own offer once it has been sent, and answers only a
sent one (the offer service refuses the others with their reason); they see their own onboarding
plan and its new-hire tasks, and upload to or confirm only those. HR tasks, documents' contents and
HR's message texts are staff-only (no policy).
"""

from django.db.models import Q

from hrsuite.permissions import has_role, link_rule, object_policy
from hrsuite.roles import Role
from onboarding.models import Decision, Offer, OnboardingPlan, OnboardingTask

# The offer states a candidate has seen: drafts and approval rounds are HR's business.
CANDIDATE_OFFER_STATES = (
    Offer.Status.SENT,
    Offer.Status.ACCEPTED,
    Offer.Status.DECLINED,
    Offer.Status.EXPIRED,
)


@object_policy(Decision)
def _decision(user, action):
    if not has_role(user, Role.CANDIDATE):
        return None
    if action in ("view", "request_review"):
        return Q(application__candidate__user=user, outcome=Decision.Outcome.REJECT)
    return None


@object_policy(Offer)
def _offer(user, action):
    if not has_role(user, Role.CANDIDATE):
        return None
    # Answering is asked of every offer they have seen: the offer service then says why one that
    # is answered, expired or withdrawn cannot be answered (409 with its code), not a bare 403.
    if action in ("view", "answer"):
        seen = Q(status__in=CANDIDATE_OFFER_STATES) | Q(status=Offer.Status.CANCELLED, sent_at__isnull=False)
        return Q(application__candidate__user=user) & seen
    return None


@object_policy(OnboardingPlan)
def _plan(user, action):
    if has_role(user, Role.CANDIDATE) and action == "view":
        return Q(application__candidate__user=user)
    return None


@object_policy(OnboardingTask)
def _task(user, action):
    if has_role(user, Role.CANDIDATE) and action in ("view", "upload", "confirm"):
        return Q(plan__application__candidate__user=user, assignee=OnboardingTask.Assignee.NEW_HIRE)
    return None


# A candidate's offer link reads and answers the offer they were sent; their onboarding link reads
# their plan and works on the new hire's own tasks.
link_rule("offer", Offer, actions={"view", "answer"}, where={"sent_at__isnull": False})
link_rule("onboarding", OnboardingPlan, actions={"view"})
link_rule(
    "onboarding",
    OnboardingTask,
    actions={"view", "upload", "confirm"},
    where={"assignee": OnboardingTask.Assignee.NEW_HIRE},
)
