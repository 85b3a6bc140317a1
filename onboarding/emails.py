"""What the onboarding messages say and whether they still hold at send time, as the
notification outbox asks for them (`onboarding.services.notices` queues them)."""

from zoneinfo import ZoneInfo

from candidates.notices import application_context, application_named
from hrsuite.formatting import format_date, format_time
from interviews.emails import candidate_zone, interview_context, interview_stale_reason
from notifications import registry
from notifications.models import Notification
from notifications.rendering import public_url
from onboarding.models import (
    CandidateMessageText,
    HRTask,
    Offer,
    OnboardingPlan,
    OnboardingTask,
    ProvisioningDelivery,
)
from onboarding.services import candidate_links as onboarding_links
from onboarding.services.notices import OnboardingMessage, onboarding_stale_reason


def _stale_reason(notification: Notification) -> str:
    return onboarding_stale_reason(notification) or interview_stale_reason(notification)


def onboarding_context(notification: Notification, *, zone: ZoneInfo, language: str) -> dict:
    """What the offer, onboarding and HR messages name, read now from the ids in the payload
    ("application", "offer", "plan", "task", "hr_task", "delivery"). Never the salary: an e-mail is
    forwarded, printed and kept in mailboxes the suite does not control. A candidate's links to
    their offer and onboarding pages are signed now, for them: the link is their credential."""
    payload, to_candidate = notification.payload, bool(notification.candidate_id)
    context = interview_context(notification, zone=zone, language=language)
    application = None
    if payload.get("offer"):
        offer = (
            Offer.objects.select_related("application__candidate", "position", "decision__decided_by")
            .filter(pk=payload["offer"])
            .first()
        )
        if offer is not None:
            application = offer.application
            decider = offer.decision.decided_by
            context.update(
                offer=offer,
                start_date=format_date(offer.start_date, language=language),
                location=offer.location,
                answer_by=format_time(offer.expires_at, zone=zone, language=language),
                contact_name=decider.get_full_name() or decider.get_username(),
                contact_email=decider.email,
            )
            if to_candidate:
                context["portal_offer_url"] = onboarding_links.offer_url(offer=offer)
                plan = OnboardingPlan.objects.select_related("application").filter(offer=offer).first()
                if plan is not None:
                    context["portal_onboarding_url"] = onboarding_links.onboarding_url(plan=plan)
    if payload.get("task"):
        task = (
            OnboardingTask.objects.select_related(
                "plan__application__candidate", "plan__application__position"
            )
            .filter(pk=payload["task"])
            .first()
        )
        if task is not None:
            application = application or task.plan.application
            context.update(
                task=task,
                task_title=task.title,
                task_due=format_time(task.due_at, zone=zone, language=language),
                start_date=context.get("start_date") or format_date(task.plan.start_date, language=language),
            )
            if to_candidate:
                context["portal_onboarding_url"] = onboarding_links.onboarding_url(plan=task.plan)
    if payload.get("plan") and not payload.get("task"):
        plan = OnboardingPlan.objects.filter(pk=payload["plan"]).first()
        if plan is not None and plan.status == OnboardingPlan.Status.CANCELLED:
            # The onboarding_cancelled message: why, and no link to a page that opens nothing now.
            context["cancel_reason"] = plan.cancel_reason
            context.pop("portal_onboarding_url", None)
    if payload.get("hr_task"):
        hr_task = HRTask.objects.select_related("application").filter(pk=payload["hr_task"]).first()
        if hr_task is not None:
            application = application or hr_task.application
            context.update(
                hr_task=hr_task,
                hr_task_kind=hr_task.get_kind_display(),
                hr_task_due=(
                    format_time(hr_task.due_at, zone=zone, language=language) if hr_task.due_at else ""
                ),
                hr_task_url=public_url(f"/api/hr-tasks/{hr_task.pk}/"),
            )
    if payload.get("delivery"):
        delivery = (
            ProvisioningDelivery.objects.select_related("target", "plan__application")
            .filter(pk=payload["delivery"])
            .first()
        )
        if delivery is not None:
            application = application or delivery.plan.application
            context.update(
                delivery=delivery,
                system=delivery.target.get_system_display(),
                attempts=delivery.attempts,
                deliveries_url=public_url(f"/api/provisioning-deliveries/{delivery.pk}/"),
            )
    application = application or application_named(payload)
    if application is not None:
        context.update(application_context(application, language=language))
    return context


def candidate_wording(notification: Notification, *, language: str, context: dict) -> str:
    """The wording HR set for this message and language (CandidateMessageText), as "subject,
    blank line, body"; '' when HR set none. Plain text, not a template: `{name}` and `{position}`
    are the only placeholders, so HR's text cannot reach anything else in the context."""
    if not notification.candidate_id or notification.template not in CandidateMessageText.Key.values:
        return ""
    custom = CandidateMessageText.objects.filter(key=notification.template, language=language).first()
    if custom is None:
        return ""
    fill = {"{name}": context.get("name", ""), "{position}": context.get("position", "")}
    subject, body = " ".join(custom.subject.split()), custom.body
    for placeholder, value in fill.items():
        subject, body = subject.replace(placeholder, value), body.replace(placeholder, value)
    return f"{subject}\n\n{body}" if subject else ""


def register() -> None:
    registry.register(
        *(
            registry.MessageTemplate(
                name=message.value,
                label=message.label,
                context=onboarding_context,
                stale_reason=_stale_reason,
                candidate_zone=candidate_zone,
                wording=candidate_wording,
            )
            for message in OnboardingMessage
        )
    )
