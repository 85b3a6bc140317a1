"""Onboarding plans: the checklist between an accepted offer and the first day.

Accepting an offer makes the hire (application → hired), creates the plan with its default tasks
for the new hire and for HR, due relative to the start date, queues a reminder for each task in
the outbox, and starts provisioning to outside systems when HRSUITE_PROVISION_ON is "accept" (or
on the start date, by the daily `plans_provision_due`, when it is "start_date").

PLAN_TRANSITIONS and TASK_TRANSITIONS are the two tables; a plan completes when its last task is
done. The new hire uploads documents (encrypted at rest) and confirms forms on their own plan; HR
marks HR tasks done. A recruiter cancels a plan (`plan_cancel`) when the hire withdraws before the
first day or the offer is withdrawn after acceptance.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Stage
from candidates.services.applications import application_offer_move
from hrsuite.errors import ValidationFailed
from hrsuite.formatting import zone_or_utc
from hrsuite.permissions import get_for_change, require
from hrsuite.workflow import transition
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue
from onboarding.models import HRTask, Offer, OnboardingDocument, OnboardingPlan, OnboardingTask
from onboarding.services.notices import OnboardingMessage

P, K, A = OnboardingPlan.Status, OnboardingTask.Kind, OnboardingTask.Assignee
SYSTEM_ACTOR = "system:offer-acceptance"

PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (P.OPEN, "complete"): P.COMPLETE,
    (P.OPEN, "cancel"): P.CANCELLED,
    # Every task done and then the hire withdraws before the first day.
    (P.COMPLETE, "cancel"): P.CANCELLED,
}
TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (OnboardingTask.Status.OPEN, "complete"): OnboardingTask.Status.DONE,
    (OnboardingTask.Status.OPEN, "cancel"): OnboardingTask.Status.CANCELLED,
}
HR_TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (HRTask.Status.OPEN, "close"): HRTask.Status.DONE,
}


@dataclass(frozen=True)
class DefaultTask:
    assignee: str
    kind: str
    title: str  # lazy: stored in the reader's language when the plan is made
    days_before_start: int


DEFAULT_TASKS = (
    DefaultTask(A.NEW_HIRE, K.DOCUMENT, _("Upload your identity document"), 7),
    DefaultTask(A.NEW_HIRE, K.DOCUMENT, _("Upload your bank account form"), 7),
    DefaultTask(A.NEW_HIRE, K.CONFIRM, _("Confirm your personal details"), 5),
    DefaultTask(A.HR, K.HR_ACTION, _("Prepare the employment contract"), 3),
    DefaultTask(A.HR, K.HR_ACTION, _("Book the new hire's equipment"), 5),
)


@dataclass(frozen=True)
class UploadType:
    content_type: str
    extension: str
    signatures: tuple[bytes, ...]  # the file's first bytes


# The types a document may have, recognised by their content: what the sender says (its name, its
# declared type) decides nothing about how the file is stored or served.
UPLOAD_TYPES = {
    kind.content_type: kind
    for kind in (
        UploadType("application/pdf", ".pdf", (b"%PDF-",)),
        UploadType("image/png", ".png", (b"\x89PNG\r\n\x1a\n",)),
        UploadType("image/jpeg", ".jpg", (b"\xff\xd8\xff",)),
    )
}


def _due_at(start_date: datetime.date, days_before: int, *, zone: ZoneInfo, now: datetime.datetime):
    """End of the working day `days_before` the start, in the new hire's zone; a start date
    close at hand gives at least one day."""
    day = start_date - datetime.timedelta(days=days_before)
    due = datetime.datetime.combine(day, datetime.time(settings.HRSUITE_BUSINESS_HOURS[1]), tzinfo=zone)
    return max(due, now + datetime.timedelta(days=1))


def plan_create_for(*, offer: Offer, actor) -> OnboardingPlan:
    """The accepted offer's hire: application → hired, the plan with its default tasks and their
    reminders, and provisioning on acceptance when HRSUITE_PROVISION_ON says so. Called by
    `offer_answer` inside its transaction; a second call returns the plan of the first."""
    existing = OnboardingPlan.objects.filter(offer=offer).first()
    if existing is not None:
        return existing
    offer = Offer.objects.select_related("application__candidate").get(pk=offer.pk)
    application = offer.application
    # The candidate cannot change applications; the hire follows from their answer.
    application_offer_move(application=application, event="offer_accepted", actor=SYSTEM_ACTOR)
    plan = OnboardingPlan(offer=offer, application=application, start_date=offer.start_date)
    plan.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=plan,
        candidate_id=application.candidate_id,
        changed_fields=["start_date", "status"],
        detail={"offer": str(offer.pk)},
    )
    candidate = application.candidate
    zone, now = zone_or_utc(candidate.time_zone), timezone.now()
    for spec in DEFAULT_TASKS:
        language = candidate.preferred_language if spec.assignee == A.NEW_HIRE else settings.LANGUAGE_CODE
        with translation.override(language or "en"):
            title = str(spec.title)
        task = OnboardingTask(
            plan=plan,
            assignee=spec.assignee,
            kind=spec.kind,
            title=title,
            due_at=_due_at(plan.start_date, spec.days_before_start, zone=zone, now=now),
        )
        task.save(force_insert=True)
        _reminder_queue(task, plan=plan)
    if settings.HRSUITE_PROVISION_ON == "accept":
        from onboarding.services.provisioning import provisioning_start

        provisioning_start(plan=plan, actor=SYSTEM_ACTOR)
    return plan


def _reminder_queue(task: OnboardingTask, *, plan: OnboardingPlan) -> None:
    """One reminder per task, HRSUITE_ONBOARDING_REMINDER_DAYS before it is due (now, if that
    has passed); the outbox drops it if the task is done by then."""
    template = OnboardingMessage.ONBOARDING_TASK_REMINDER
    due_at = max(
        task.due_at - datetime.timedelta(days=settings.HRSUITE_ONBOARDING_REMINDER_DAYS), timezone.now()
    )
    payload = {"task": str(task.pk), "plan": str(plan.pk)}
    if task.assignee == A.NEW_HIRE:
        notification_queue(
            template=template,
            key=notification_key(template, task.pk),
            due_at=due_at,
            candidate=plan.application.candidate,
            payload=payload,
        )
    else:
        recruiters_notify(
            template=template,
            application=plan.application,
            reason=f"task:{task.pk}",
            extra=payload,
            due_at=due_at,
        )


# --- Completing tasks ------------------------------------------------------------------------------


def _locked_task(task: OnboardingTask, actor, action: str) -> OnboardingTask:
    return get_for_change(
        OnboardingTask.objects.select_related("plan__application"), user=actor, pk=task.pk, action=action
    )


def _task_complete(task: OnboardingTask, *, actor, detail: dict | None = None) -> OnboardingTask:
    """One task done; the plan completes with its last one. Inside the caller's transaction."""
    current = transition(
        task, table=TASK_TRANSITIONS, event="complete", changes={"completed_at": timezone.now()}
    )
    plan = task.plan
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=task,
        candidate_id=plan.application.candidate_id,
        changed_fields=["status", "completed_at"],
        detail={"event": "complete", "from": current, "to": task.status, **(detail or {})},
    )
    plan = OnboardingPlan.objects.select_for_update().select_related("application").get(pk=plan.pk)
    still_open = plan.tasks.filter(status=OnboardingTask.Status.OPEN).exists()
    if plan.status == P.OPEN and not still_open:
        before = transition(plan, table=PLAN_TRANSITIONS, event="complete")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=plan,
            candidate_id=plan.application.candidate_id,
            changed_fields=["status"],
            detail={"event": "complete", "from": before, "to": plan.status},
        )
    return task


def _require_kind(task: OnboardingTask, kind: str, message: str) -> None:
    if task.kind != kind:
        raise ValidationFailed(message, fields={"task": [message]}, code="wrong_task_kind")


def upload_decoded(content_base64: str, *, field: str) -> bytes:
    """The bytes of a base64 upload, or a field error."""
    try:
        return base64.b64decode(content_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            gettext("Not valid base64."),
            fields={field: [gettext("Not valid base64.")]},
            code="upload_not_base64",
        ) from None


def upload_type(content: bytes) -> UploadType | None:
    """The allowed type the content is, by its first bytes; None for anything else."""
    return next((kind for kind in UPLOAD_TYPES.values() if content.startswith(kind.signatures)), None)


def upload_problem(*, content: bytes, content_type: str) -> tuple[str, str] | None:
    """Why an upload is refused, as (code, message), or None when it is taken. The codes are what
    the API answers and the onboarding page picks its message by: upload_empty, upload_too_large,
    upload_type_not_allowed, upload_content_mismatch (declared as an allowed type, but it is not)."""
    limit = settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES
    if not content:
        return "upload_empty", gettext("The file is empty.")
    if len(content) > limit:
        return "upload_too_large", gettext("At most %(size)s MB.") % {"size": limit // (1024 * 1024)}
    if upload_type(content) is not None:
        return None
    if content_type in UPLOAD_TYPES:
        return "upload_content_mismatch", gettext("The file is not a %(type)s file.") % {"type": content_type}
    return "upload_type_not_allowed", gettext("A PDF, PNG or JPEG file (%(types)s).") % {
        "types": ", ".join(UPLOAD_TYPES)
    }


def _display_name(filename: str) -> str:
    """The sender's file name as shown to HR: no folders, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:200]


@transaction.atomic
def task_document_upload(
    *, task: OnboardingTask, filename: str, content_type: str, content: bytes, actor, field: str = "file"
) -> OnboardingDocument:
    """The new hire uploads a document to one of their own open document tasks: stored
    encrypted, under a name of our own with the type found in its content, and the task is done."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    problem = upload_problem(content=content, content_type=content_type)
    if problem is not None:
        code, message = problem
        raise ValidationFailed(
            gettext("Invalid upload: %(field)s.") % {"field": field}, fields={field: [message]}, code=code
        )
    task = _locked_task(task, actor, "upload")
    _require_kind(task, K.DOCUMENT, gettext("This task takes no document."))
    kind = upload_type(content)
    document = OnboardingDocument(
        task=task,
        original_filename=_display_name(filename),
        content_type=kind.content_type,
        size=len(content),
        content_base64=base64.b64encode(content).decode("ascii"),
    )
    document.filename = f"document-{document.pk.hex[:12]}{kind.extension}"
    document.save(force_insert=True)
    # Never the file name or content: the trail holds no personal data.
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=document,
        candidate_id=task.plan.application.candidate_id,
        changed_fields=["content_base64", "filename", "original_filename", "content_type", "size"],
        detail={"task": str(task.pk), "size": len(content), "content_type": kind.content_type},
    )
    _task_complete(task, actor=actor, detail={"document": str(document.pk)})
    return document


@transaction.atomic
def task_confirm(*, task: OnboardingTask, actor) -> OnboardingTask:
    """The new hire confirms one of their own open forms (personal details)."""
    task = _locked_task(task, actor, "confirm")
    _require_kind(task, K.CONFIRM, gettext("This task is not a form to confirm."))
    return _task_complete(task, actor=actor)


@transaction.atomic
def task_complete(*, task: OnboardingTask, actor) -> OnboardingTask:
    """HR marks one of the plan's HR tasks done."""
    task = _locked_task(task, actor, "change")
    if task.assignee != A.HR:
        message = gettext("The new hire completes this task themselves.")
        raise ValidationFailed(message, fields={"task": [message]})
    return _task_complete(task, actor=actor)


def document_content(document: OnboardingDocument, *, actor) -> bytes:
    """A document's bytes for HR to download: each download is an export in the audit trail."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        target=document,
        candidate_id=document.task.plan.application.candidate_id,
        detail={"task": str(document.task_id), "size": document.size},
    )
    return base64.b64decode(document.content_base64)


# --- HR tasks --------------------------------------------------------------------------------------


@transaction.atomic
def hr_task_close(*, hr_task: HRTask, actor) -> HRTask:
    """A person in HR closes a task they followed up (inconclusive check, failed provisioning)."""
    hr_task = get_for_change(HRTask.objects.select_related("application"), user=actor, pk=hr_task.pk)
    current = transition(hr_task, table=HR_TASK_TRANSITIONS, event="close")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=hr_task,
        changed_fields=["status"],
        detail={"event": "close", "from": current, "to": hr_task.status, "kind": hr_task.kind},
    )
    return hr_task


# --- Cancelling a plan -----------------------------------------------------------------------------


@transaction.atomic
def plan_cancel(*, plan: OnboardingPlan, reason: str, actor) -> OnboardingPlan:
    """A recruiter cancels a hire's onboarding: the new hire withdrew (`hire_withdrew`) or the
    offer is withdrawn after acceptance (`offer_withdrawn`, which cancels the offer too).

    The plan and each open task move by their tables (compare-and-set, audited), the reminders
    still waiting in the outbox are dropped (the outbox re-checks the plan at send time as well),
    deliveries to outside systems not yet made are cancelled, an HR task is opened to undo those
    already made, and the candidate is told. HR admins, interviewers and candidates cannot.
    """
    from onboarding.services import notices, offers, provisioning

    if reason not in OnboardingPlan.CancelReason.values:
        message = gettext("Choose one of %(choices)s.") % {"choices": OnboardingPlan.CancelReason.values}
        raise ValidationFailed(
            gettext("Invalid cancellation: %(reason)s") % {"reason": message}, fields={"reason": [message]}
        )
    require(actor, "change", OnboardingPlan)
    # Locked offer, tasks, plan: the order in which answering, uploading and confirming lock them.
    offer_id = OnboardingPlan.objects.filter(pk=plan.pk).values_list("offer_id", flat=True).first()
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application")
        .filter(pk=offer_id)
        .first()
    )
    open_tasks = list(
        OnboardingTask.objects.select_for_update()
        .filter(plan_id=plan.pk, status=OnboardingTask.Status.OPEN)
        .order_by("due_at", "pk")
    )
    plan = get_for_change(
        OnboardingPlan.objects.select_related("application__candidate"), user=actor, pk=plan.pk
    )
    now = timezone.now()
    before = transition(
        plan, table=PLAN_TRANSITIONS, event="cancel", changes={"cancel_reason": reason, "cancelled_at": now}
    )
    candidate_id = plan.application.candidate_id
    for task in open_tasks:
        was = transition(task, table=TASK_TRANSITIONS, event="cancel")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=task,
            candidate_id=candidate_id,
            changed_fields=["status"],
            detail={"event": "cancel", "from": was, "to": task.status, "plan": str(plan.pk)},
        )
    dropped = _plan_messages_drop(plan, now=now)
    deliveries = provisioning.deliveries_cancel(plan=plan, actor=actor)
    withdrawn = reason == OnboardingPlan.CancelReason.OFFER_WITHDRAWN
    if withdrawn and offer is not None and offer.status == Offer.Status.ACCEPTED:
        offers.offer_transition(
            offer=offer, event="cancel", actor=actor, detail={"onboarding_plan": str(plan.pk)}
        )
    if plan.application.stage == Stage.HIRED:
        application_offer_move(
            application=plan.application, event="onboarding_cancelled", reason=reason, actor=actor
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=plan,
        candidate_id=candidate_id,
        changed_fields=["status", "cancel_reason", "cancelled_at"],
        detail={
            "event": "cancel",
            "from": before,
            "to": plan.status,
            "reason": reason,
            "tasks_cancelled": [str(task.pk) for task in open_tasks],
            "messages_dropped": dropped,
            "deliveries_cancelled": [str(d.pk) for d in deliveries.cancelled],
            "deliveries_made": [str(d.pk) for d in deliveries.made],
        },
    )
    if deliveries.made:
        provisioning.deprovision_task_open(plan=plan, deliveries=deliveries.made, actor=actor)
    notices.onboarding_cancelled_notify(plan=plan)
    return plan


def _plan_messages_drop(plan: OnboardingPlan, *, now: datetime.datetime) -> int:
    """Reminders of the plan's tasks, and a first-day notice, still waiting in the outbox."""
    waiting = Notification.objects.filter(status=Notification.Status.PENDING)
    reminders = waiting.filter(
        template=OnboardingMessage.ONBOARDING_TASK_REMINDER, payload__plan=str(plan.pk)
    )
    notice = waiting.filter(template=OnboardingMessage.ONBOARDING_NOTICE, payload__offer=str(plan.offer_id))
    dropped = 0
    for rows in (reminders, notice):
        dropped += rows.update(
            status=Notification.Status.CANCELLED,
            last_error="The onboarding plan is cancelled.",
            claimed_at=None,
            updated_at=now,
        )
    return dropped


# --- Provisioning on the start date ----------------------------------------------------------------


def plans_provision_due(*, today: datetime.date | None = None) -> int:
    """With HRSUITE_PROVISION_ON = "start_date": start provisioning for open plans whose start
    date has come (the daily beat task). `provisioning_start` finds what an earlier run queued,
    so running twice queues nothing more."""
    if settings.HRSUITE_PROVISION_ON != "start_date":
        return 0
    from onboarding.services.provisioning import provisioning_start

    today = today or timezone.localdate()
    due = OnboardingPlan.objects.filter(status=P.OPEN, start_date__lte=today, deliveries__isnull=True)
    started = 0
    for plan in due.distinct().order_by("start_date"):
        with transaction.atomic():
            provisioning_start(plan=plan, actor="system:start-date")
        started += 1
    return started
