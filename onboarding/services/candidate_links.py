"""The offer and onboarding links in the candidate's e-mails, as credentials: the page reads and
the answers, uploads and confirmations made through them.

The same mechanism as the interview links (`interviews.services.candidate_links`): a
`django.core.signing` token over {offer or plan, candidate} under its own salt, made when the e-mail
is rendered and stored nowhere, valid for its max age. Everything done through a link is done by
a `hrsuite.permissions.LinkActor` (the candidate, and the link: "offer" or "onboarding") through
the same services the portal API uses. The permission functions hold it to the candidate's own
offer, plan and new-hire tasks (the link rules in `onboarding.policies`): the reads here go
through `restrict()` and the services' writes through `get_for_change()`, as the portal API's do
for a signed-in candidate.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ApplicationError, NotFound
from hrsuite.links import (
    LinkClosed,
    SignedLink,
    link_actor,
    link_address,
    link_resolve,
    link_sign,
    payload_uuid,
)
from hrsuite.permissions import get_for_change, restrict
from onboarding.models import Offer, OnboardingDocument, OnboardingPlan, OnboardingTask
from onboarding.services import offers as offer_services
from onboarding.services import plans as plan_services

OFFER_LINK_SALT = "hrsuite.onboarding.offer-link"
ONBOARDING_LINK_SALT = "hrsuite.onboarding.onboarding-link"
# The offer's own answer-by time is what limits the answer; the link outlives it so a late reader
# is told the offer has expired rather than that the link is broken.
OFFER_LINK_MAX_AGE = timedelta(days=60)
# From acceptance to the first day can take months; every reminder carries a fresh link.
ONBOARDING_LINK_MAX_AGE = timedelta(days=90)

OFFER_LINK = SignedLink(salt=OFFER_LINK_SALT, max_age=OFFER_LINK_MAX_AGE, page="offers")
ONBOARDING_LINK = SignedLink(salt=ONBOARDING_LINK_SALT, max_age=ONBOARDING_LINK_MAX_AGE, page="onboarding")

OfferStatus = Offer.Status
# States the candidate was shown: an offer in any other one opens nothing.
_OFFER_SEEN = (
    OfferStatus.SENT,
    OfferStatus.ACCEPTED,
    OfferStatus.DECLINED,
    OfferStatus.EXPIRED,
    OfferStatus.CANCELLED,
)


# What the refusal says, by the state the candidate sees.
_OFFER_CLOSED_MESSAGES = {
    OfferStatus.ACCEPTED: gettext_lazy("The offer is accepted."),
    OfferStatus.DECLINED: gettext_lazy("The offer is declined."),
    OfferStatus.EXPIRED: gettext_lazy("The offer is expired."),
    OfferStatus.CANCELLED: gettext_lazy("The offer is cancelled."),
}


class OfferClosed(ApplicationError):
    """The offer can no longer be answered: answered already (409, `offer_answered`), or expired
    or withdrawn (410, `offer_expired`, `offer_withdrawn`): the codes the API's answer carries.
    `state` is what the page says: accepted, declined, expired or cancelled."""

    def __init__(self, *, offer: Offer, state: str):
        message = _OFFER_CLOSED_MESSAGES.get(state) or gettext("The offer is %(state)s.") % {"state": state}
        super().__init__(str(message), code=offer_services.ANSWER_CLOSED.get(state, "offer_closed"))
        self.offer, self.state = offer, state
        self.status_code = 409 if state in (OfferStatus.ACCEPTED, OfferStatus.DECLINED) else 410


class PlanClosed(LinkClosed):
    """The plan was cancelled: its link opens nothing more (410)."""

    code = "plan_cancelled"


def _candidate_language(obj) -> str:
    return obj.application.candidate.preferred_language


# --- The offer link --------------------------------------------------------------------------------


def offer_token(*, offer: Offer) -> str:
    return link_sign(OFFER_LINK, payload={"o": str(offer.pk), "c": str(offer.application.candidate_id)})


def offer_url(*, offer: Offer) -> str:
    return link_address(OFFER_LINK, token=offer_token(offer=offer))


def _offer_for(payload: dict) -> Offer:
    offer = (
        Offer.objects.select_related("application__candidate", "position")
        .filter(pk=payload_uuid(payload, "o"), status__in=_OFFER_SEEN)
        .first()
    )
    if offer is None or str(offer.application.candidate_id) != payload.get("c"):
        raise NotFound(gettext("This link is not valid."))
    if offer.status == OfferStatus.CANCELLED and offer.sent_at is None:
        raise NotFound(gettext("This link is not valid."))
    return offer


def offer_link_open(*, token: str) -> Offer:
    return link_resolve(OFFER_LINK, token=token, resolve=_offer_for, language_of=_candidate_language)


def offer_page_read(*, token: str) -> Offer:
    """The sent offer the page shows, salary included (it is the candidate's own); OfferClosed once
    it cannot be answered. Every read, closed or not, is in the audit trail, never the salary."""
    offer = offer_link_open(token=token)
    candidate_id = offer.application.candidate_id
    state = offer_services.offer_state_for_candidate(offer)
    audit_record(
        actor=link_actor(candidate_id, link="offer"),
        action=AuditAction.VIEW,
        target=offer,
        candidate_id=candidate_id,
        detail={"page": "offer", "state": state},
    )
    if state != OfferStatus.SENT:
        raise OfferClosed(offer=offer, state=state)
    return offer


@transaction.atomic
def offer_answer_by_link(*, token: str, accept: bool) -> Offer:
    """The candidate accepts or declines through their link, by `offer_answer` (acceptance makes
    the plan, a decline withdraws the application); OfferClosed when it cannot be answered."""
    offer = offer_link_open(token=token)
    actor = link_actor(offer.application.candidate_id, link="offer")
    offer = get_for_change(
        Offer.objects.select_related("application__candidate", "position"),
        user=actor,
        pk=offer.pk,
        action="answer",
    )
    state = offer_services.offer_state_for_candidate(offer)
    if state != OfferStatus.SENT:
        raise OfferClosed(offer=offer, state=state)
    return offer_services.offer_answer(offer=offer, accept=accept, actor=actor)


# --- The onboarding link ---------------------------------------------------------------------------


def onboarding_token(*, plan: OnboardingPlan) -> str:
    return link_sign(ONBOARDING_LINK, payload={"p": str(plan.pk), "c": str(plan.application.candidate_id)})


def onboarding_url(*, plan: OnboardingPlan) -> str:
    return link_address(ONBOARDING_LINK, token=onboarding_token(plan=plan))


def _plan_for(payload: dict) -> OnboardingPlan:
    plan = (
        OnboardingPlan.objects.select_related("application__candidate", "application__position")
        .filter(pk=payload_uuid(payload, "p"))
        .first()
    )
    if plan is None or str(plan.application.candidate_id) != payload.get("c"):
        raise NotFound(gettext("This link is not valid."))
    return plan


def onboarding_link_open(*, token: str) -> OnboardingPlan:
    """The plan a link opens (404 / 410 as `link_resolve`); a cancelled plan: PlanClosed (410)."""
    plan = link_resolve(ONBOARDING_LINK, token=token, resolve=_plan_for, language_of=_candidate_language)
    if plan.status == OnboardingPlan.Status.CANCELLED:
        raise PlanClosed(gettext("The onboarding plan is cancelled."), language=_candidate_language(plan))
    return plan


@dataclass(frozen=True)
class OnboardingPage:
    plan: OnboardingPlan
    tasks: list[OnboardingTask]  # the new hire's, open first, each by due time


def onboarding_page_read(*, token: str) -> OnboardingPage:
    """The new hire's own tasks (never HR's); the read is in the audit trail."""
    plan = onboarding_link_open(token=token)
    actor = _onboarding_actor(plan)
    tasks = sorted(
        restrict(plan.tasks.all(), user=actor),
        key=lambda task: (task.status != OnboardingTask.Status.OPEN, task.due_at),
    )
    candidate_id = plan.application.candidate_id
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        target=plan,
        candidate_id=candidate_id,
        detail={
            "page": "onboarding",
            "open_tasks": sum(t.status == OnboardingTask.Status.OPEN for t in tasks),
        },
    )
    return OnboardingPage(plan=plan, tasks=tasks)


def _onboarding_actor(plan: OnboardingPlan):
    return link_actor(plan.application.candidate_id, link="onboarding")


def _own_task(plan: OnboardingPlan, task_id) -> OnboardingTask:
    """A task on the plan the link opens that the link may see (the new hire's own); anything
    else is not there."""
    try:
        task_uuid = uuid.UUID(str(task_id))
    except ValueError:
        raise NotFound(gettext("No such task.")) from None
    task = restrict(plan.tasks.filter(pk=task_uuid), user=_onboarding_actor(plan)).first()
    if task is None:
        raise NotFound(gettext("No such task."))
    return task


def task_document_upload_by_link(
    *, token: str, task_id, filename: str, content_type: str, content: bytes
) -> OnboardingDocument:
    """An upload through the link, by `task_document_upload` (type, size, encryption, audit)."""
    plan = onboarding_link_open(token=token)
    return plan_services.task_document_upload(
        task=_own_task(plan, task_id),
        filename=filename,
        content_type=content_type,
        content=content,
        actor=_onboarding_actor(plan),
    )


def task_confirm_by_link(*, token: str, task_id) -> OnboardingTask:
    plan = onboarding_link_open(token=token)
    return plan_services.task_confirm(task=_own_task(plan, task_id), actor=_onboarding_actor(plan))
