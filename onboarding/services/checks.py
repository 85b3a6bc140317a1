"""Background checks: the request to the provider, and its signed webhooks applied once.

CHECK_TRANSITIONS is the check's one table. A delivery is verified by the provider adapter, then
applied in one transaction with the BackgroundCheckEvent row that makes it happen once; anything
refused rolls all of it back, the event row included, so the provider may retry.

Effects of an outcome:
- passed: the onboarding notice (documents, start date, place, contact, in the candidate's
  language) is queued once per offer, and dropped at send time if the offer is gone by then;
- failed: the recruiters are told (check_failed), the offer is cancelled while still open, and a
  candidate who was sent it is told (offer_cancelled, in the words HR set);
- inconclusive: an HRTask, because someone must own the follow-up until it is closed, which an
  e-mail alone does not give; the recruiters are told (hr_task_opened).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application
from hrsuite.errors import NotFound
from hrsuite.permissions import require
from hrsuite.signing import WebhookOutcome
from hrsuite.workflow import record_once, transition
from onboarding import providers
from onboarding.models import BackgroundCheck, BackgroundCheckEvent, HRTask, Offer
from onboarding.providers import CheckEvent
from onboarding.services import notices
from onboarding.services.notices import OnboardingMessage

CheckStatus = BackgroundCheck.Status

CHECK_TRANSITIONS: dict[tuple[str, str], str] = {
    (CheckStatus.REQUESTED, "started"): CheckStatus.IN_PROGRESS,
    (CheckStatus.IN_PROGRESS, "passed"): CheckStatus.PASSED,
    (CheckStatus.IN_PROGRESS, "failed"): CheckStatus.FAILED,
    (CheckStatus.IN_PROGRESS, "inconclusive"): CheckStatus.INCONCLUSIVE,
}
OUTCOMES = (CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.INCONCLUSIVE)


def check_request(
    *, application: Application, offer: Offer | None, actor, provider: str = "simulated"
) -> BackgroundCheck:
    """Start a check with the provider (inside the caller's transaction)."""
    require(actor, "add", BackgroundCheck)
    adapter = providers.get(provider)
    check = BackgroundCheck(
        application=application, offer=offer, provider=adapter.name, requested_at=timezone.now()
    )
    # The simulated provider answers locally; a vendor adapter that calls out should queue the
    # request on commit instead, so a rolled-back hire requests nothing.
    check.provider_check_id = adapter.request_check(check)
    check.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=check,
        changed_fields=["status", "provider"],
        detail={"provider": adapter.name, "offer": str(offer.pk) if offer else None},
    )
    return check


def check_transition(
    *, check: BackgroundCheck, event: str, actor, changes=None, detail=None
) -> BackgroundCheck:
    changes = dict(changes or {})
    current = transition(check, table=CHECK_TRANSITIONS, event=event, changes=changes)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=check,
        candidate_id=check.application.candidate_id,
        changed_fields=["status", *changes],
        detail={"event": event, "from": current, "to": check.status, **(detail or {})},
    )
    return check


def check_webhook_receive(*, provider_name: str, headers, body: bytes) -> WebhookOutcome:
    try:
        provider = providers.get(provider_name)
    except LookupError as exc:
        raise NotFound(str(exc)) from None
    event = provider.parse_webhook(headers=headers, body=body)
    return check_webhook_apply(provider_name=provider.name, event=event)


@transaction.atomic
def check_webhook_apply(*, provider_name: str, event: CheckEvent) -> WebhookOutcome:
    actor = f"check-provider:{provider_name}"
    record = BackgroundCheckEvent(
        provider=provider_name,
        event_id=event.event_id,
        event_type=event.event_type,
        received_at=timezone.now(),
    )
    if not record_once(record):
        return WebhookOutcome(duplicate=True, event_id=event.event_id)
    check = (
        BackgroundCheck.objects.select_for_update(of=("self",))
        .select_related("application", "offer")
        .filter(provider=provider_name, provider_check_id=event.check_id)
        .first()
    )
    if check is None:
        raise NotFound(
            f"No background check {event.check_id!r} with provider {provider_name!r}.",
            fields={"check_id": ["Unknown check."]},
        )
    changes = {"completed_at": event.occurred_at} if event.event_type in OUTCOMES else {}
    check_transition(
        check=check,
        event=event.event_type,
        actor=actor,
        changes=changes,
        detail={"provider": provider_name, "event_id": event.event_id},
    )
    findings = event.data.get("findings")
    if event.event_type in OUTCOMES and isinstance(findings, dict) and findings:
        # Encrypted, so written with save() on the row rather than in the compare-and-set update.
        check.findings = findings
        check.save(update_fields=["findings", "updated_at"])
    record.background_check = check
    record.save(update_fields=["background_check", "updated_at"])
    if event.event_type == CheckStatus.PASSED:
        _passed(check)
    elif event.event_type == CheckStatus.FAILED:
        _failed(check, actor=actor)
    elif event.event_type == CheckStatus.INCONCLUSIVE:
        _inconclusive(check, actor=actor)
    return WebhookOutcome(
        duplicate=False,
        event_id=event.event_id,
        subject="background_check",
        subject_id=str(check.pk),
        status=check.status,
    )


def _passed(check: BackgroundCheck) -> None:
    if check.offer is not None:
        notices.onboarding_notice_queue(offer=check.offer)


def _failed(check: BackgroundCheck, *, actor: str) -> None:
    from onboarding.services.offers import OPEN_STATES, offer_transition

    offer = check.offer
    cancelled = False
    if offer is not None and offer.status in OPEN_STATES:
        offer = Offer.objects.select_for_update(of=("self",)).select_related("application").get(pk=offer.pk)
        offer_transition(offer=offer, event="cancel", actor=actor, detail={"background_check": str(check.pk)})
        cancelled = True
        notices.offer_cancelled_notify(offer=offer)
    recruiters_notify(
        application=check.application,
        template=OnboardingMessage.CHECK_FAILED,
        reason="background_check_failed",
        extra={"background_check": str(check.pk), "offer_cancelled": cancelled},
    )


def _inconclusive(check: BackgroundCheck, *, actor: str) -> None:
    task = HRTask(
        kind=HRTask.Kind.CHECK_INCONCLUSIVE,
        application=check.application,
        background_check=check,
        due_at=timezone.now() + timedelta(days=2),
    )
    task.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=task, changed_fields=["kind", "status"])
    recruiters_notify(
        application=check.application,
        template=OnboardingMessage.HR_TASK_OPENED,
        reason=f"hr_task:{task.pk}",
        extra={"hr_task": str(task.pk), "background_check": str(check.pk)},
    )
