"""Messages of the steps after the interviews, queued in the notification outbox, and what the
outbox re-checks before it sends them.

Each message names what it is about in its payload ({"offer": id}, {"task": id}, {"hr_task": id}),
so `onboarding.emails` reads the details (start date, place, contact) at send time and
`onboarding_stale_reason` can drop a message whose subject has moved on: an onboarding notice for
an offer cancelled meanwhile, a reminder for a task already done or a plan cancelled.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Candidate
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import get_for_change, require
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue
from onboarding.models import CandidateMessageText, HRTask, Offer, OnboardingPlan, OnboardingTask


class OnboardingMessage(models.TextChoices):
    """From decision to first day; `payload` names the offer, plan, task or HR task."""

    RE_REVIEW_REQUESTED = "re_review_requested", _("Candidate asks for a human re-review")
    OFFER_SENT = "offer_sent", _("Offer ready to answer")
    OFFER_CANCELLED = "offer_cancelled", _("Offer withdrawn")
    CHECK_FAILED = "check_failed", _("Background check failed")
    HR_TASK_OPENED = "hr_task_opened", _("HR task to pick up")
    ONBOARDING_NOTICE = "onboarding_notice", _("Your first day")
    ONBOARDING_TASK_REMINDER = "onboarding_task_reminder", _("Onboarding task due")
    PROVISIONING_DEAD = "provisioning_dead", _("Provisioning to another system failed")
    ONBOARDING_CANCELLED = "onboarding_cancelled", _("Onboarding cancelled")


# An offer in one of these states no longer stands: nothing more is announced about it.
_OFFER_GONE = (Offer.Status.CANCELLED, Offer.Status.DECLINED, Offer.Status.EXPIRED)


def _to_candidate(*, template: str, offer: Offer, key_part: str = "", due_at=None, extra=None):
    candidate: Candidate = offer.application.candidate
    return notification_queue(
        template=template,
        key=notification_key(template, offer.pk, key_part)
        if key_part
        else notification_key(template, offer.pk),
        due_at=due_at,
        candidate=candidate,
        payload={"offer": str(offer.pk), **(extra or {})},
    )


def offer_sent_notify(*, offer: Offer) -> Notification:
    """The candidate is told their offer is waiting in the portal (once per offer)."""
    return _to_candidate(template=OnboardingMessage.OFFER_SENT, offer=offer)


def offer_cancelled_notify(*, offer: Offer) -> Notification | None:
    """The candidate is told their offer is withdrawn, in the words HR set for their language
    (CandidateMessageText) or the built-in ones. Only an offer the candidate was sent: a draft
    they never saw is HR's business."""
    if offer.sent_at is None:
        return None
    return _to_candidate(template=OnboardingMessage.OFFER_CANCELLED, offer=offer)


def onboarding_notice_queue(*, offer: Offer) -> Notification | None:
    """The background check passed: documents to bring, start date, place and contact, in the
    candidate's language, once per offer."""
    if offer.status in _OFFER_GONE:
        return None
    return _to_candidate(template=OnboardingMessage.ONBOARDING_NOTICE, offer=offer)


def onboarding_cancelled_notify(*, plan: OnboardingPlan) -> Notification:
    """The candidate is told their onboarding is cancelled (once per plan), in their language:
    confirming their withdrawal, or telling them the offer is withdrawn."""
    return notification_queue(
        template=OnboardingMessage.ONBOARDING_CANCELLED,
        key=notification_key(OnboardingMessage.ONBOARDING_CANCELLED, plan.pk),
        candidate=plan.application.candidate,
        payload={"plan": str(plan.pk), "offer": str(plan.offer_id), "reason": plan.cancel_reason},
    )


def onboarding_stale_reason(notification: Notification) -> str:
    """Why an onboarding message no longer holds ('' when it does), read fresh."""
    payload, template = notification.payload, notification.template
    if payload.get("offer"):
        status = Offer.objects.filter(pk=payload["offer"]).values_list("status", flat=True).first()
        if status is None:
            return "The offer no longer exists."
        if template == OnboardingMessage.OFFER_SENT and status != Offer.Status.SENT:
            return f"The offer is {status}, no longer waiting for an answer."
        if template == OnboardingMessage.ONBOARDING_NOTICE and status in _OFFER_GONE:
            return f"The offer is {status}."
        if template == OnboardingMessage.OFFER_CANCELLED and status != Offer.Status.CANCELLED:
            return "The offer is not cancelled."
        if template == OnboardingMessage.ONBOARDING_NOTICE and _plan_cancelled_for(payload["offer"]):
            return "The onboarding plan is cancelled."
    if payload.get("task"):
        task = OnboardingTask.objects.filter(pk=payload["task"]).values("status", "plan__status").first()
        if task is None:
            return "The onboarding task no longer exists."
        if task["plan__status"] == OnboardingPlan.Status.CANCELLED:
            return "The onboarding plan is cancelled."
        if task["status"] != OnboardingTask.Status.OPEN:
            return "The onboarding task is done."
        if task["plan__status"] != OnboardingPlan.Status.OPEN:
            return "The onboarding plan is closed."
    if payload.get("plan") and template == OnboardingMessage.ONBOARDING_CANCELLED:
        status = OnboardingPlan.objects.filter(pk=payload["plan"]).values_list("status", flat=True).first()
        if status != OnboardingPlan.Status.CANCELLED:
            return "The onboarding plan is not cancelled."
    if payload.get("hr_task") and template == OnboardingMessage.HR_TASK_OPENED:
        status = HRTask.objects.filter(pk=payload["hr_task"]).values_list("status", flat=True).first()
        if status != HRTask.Status.OPEN:
            return "The HR task is closed."
    return ""


def _plan_cancelled_for(offer_id) -> bool:
    return OnboardingPlan.objects.filter(offer_id=offer_id, status=OnboardingPlan.Status.CANCELLED).exists()


# --- The texts HR sets for candidates ------------------------------------------------------------


def candidate_message_text_set(
    *, key: str, language: str, subject: str, body: str, actor
) -> CandidateMessageText:
    """Create or replace HR's wording of one candidate message in one language."""
    require(actor, "change", CandidateMessageText)
    errors: dict[str, list[str]] = {}
    if key not in CandidateMessageText.Key.values:
        errors["key"] = [gettext("Choose one of %(choices)s.") % {"choices": CandidateMessageText.Key.values}]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [
            gettext("Choose one of %(choices)s.") % {"choices": sorted(dict(settings.LANGUAGES))}
        ]
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not subject:
        errors["subject"] = [gettext("Required.")]
    if not body:
        errors["body"] = [gettext("Required.")]
    if errors:
        raise ValidationFailed.naming(gettext("Invalid text: %(fields)s."), errors)
    with transaction.atomic():
        text = CandidateMessageText.objects.select_for_update().filter(key=key, language=language).first()
        created = text is None
        if created:
            text = CandidateMessageText(
                key=key, language=language, subject=subject, body=body, updated_by=actor
            )
            text.save(force_insert=True)
        else:
            text = get_for_change(CandidateMessageText.objects, user=actor, pk=text.pk)
            text.subject, text.body, text.updated_by = subject, body, actor
            text.save(update_fields=["subject", "body", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=text,
            changed_fields=["subject", "body"],
            detail={"key": key, "language": language, "at": timezone.now().isoformat()},
        )
    return text
