"""Decisions, offers, background checks and onboarding: the steps after the interviews."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Application, Position
from hrsuite.fields import EncryptedJSONField, EncryptedTextField
from hrsuite.models import DomainModel, ReceivedEvent
from hrsuite.visibility import ALSO_CANDIDATE, HR_ONLY, restricted_fields


# The candidate sees their own rejection, never why or by whom; their re-review note goes to HR.
@restricted_fields(reason=HR_ONLY, decided_by=HR_ONLY, review_request_note=HR_ONLY)
class Decision(DomainModel):
    """A named recruiter's decision on an application (docs/architecture.md, "Decisions"): AI
    scores inform it, never make it. A rejected candidate may ask for a human re-review, which is
    recorded here."""

    class Outcome(models.TextChoices):
        ADVANCE = "advance", _("Advance to the next stage")
        HIRE = "hire", _("Hire")
        REJECT = "reject", _("Reject")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        REVIEW_REQUESTED = "review_requested", _("Re-review requested")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    # HR's reasoning: personal data about the candidate, and never shown in the portal.
    reason = EncryptedTextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))
    from_stage = models.CharField(max_length=16)
    to_stage = models.CharField(max_length=16)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECORDED)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    # What the candidate wrote when asking for the re-review.
    review_request_note = EncryptedTextField(_("re-review request"))

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    data_subject = "application__candidate_id"


@restricted_fields(salary=ALSO_CANDIDATE)
class Offer(DomainModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    # Not answered yet, nor withdrawn: the offer may still be sent, accepted or cancelled.
    OPEN_STATES = (Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED, Status.SENT)

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="offer")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="offers")
    # A decimal amount as text (gross per year), encrypted like every personal figure.
    salary = EncryptedTextField(_("salary"))
    currency = models.CharField(_("currency"), max_length=3)
    start_date = models.DateField(_("start date"))
    # Where the person will work: theirs, encrypted; at most 200 characters (`offer_draft_errors`).
    location = EncryptedTextField(_("location"))
    expires_at = models.DateTimeField(_("answer by"))
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    # Raised on each submission, so approvals of an earlier, rejected round stay apart.
    approval_round = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    data_subject = "application__candidate_id"


@restricted_fields(approver=HR_ONLY, note=HR_ONLY)
class OfferApproval(DomainModel):
    """One approver's step in an offer's chain; approvers decide in `order`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        # Left undecided when an earlier approver rejected the round.
        VOID = "void", _("Void")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveIntegerField()
    order = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Internal: never shown to the candidate.
    note = EncryptedTextField(_("note"))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "round", "order"], name="approval_step_once"),
        ]
        verbose_name = _("offer approval")
        verbose_name_plural = _("offer approvals")

    data_subject = "offer__application__candidate_id"


@restricted_fields(findings=HR_ONLY)
class BackgroundCheck(DomainModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_PROGRESS = "in_progress", _("In progress")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        INCONCLUSIVE = "inconclusive", _("Inconclusive")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="background_checks")
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="background_checks"
    )
    provider = models.CharField(max_length=40, default="simulated")
    provider_check_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # The provider's findings: personal data, encrypted.
    findings = EncryptedJSONField()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_check_id"],
                condition=~models.Q(provider_check_id=""),
                name="background_check_provider_id_once",
            ),
        ]
        verbose_name = _("background check")
        verbose_name_plural = _("background checks")

    data_subject = "application__candidate_id"


class BackgroundCheckEvent(ReceivedEvent):
    """Each background-check provider event once."""

    background_check = models.ForeignKey(
        BackgroundCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="background_check_event_once"),
        ]
        verbose_name = _("background check event")
        verbose_name_plural = _("background check events")


class HRTask(DomainModel):
    """Work a person in HR must pick up and close, such as an inconclusive background check."""

    class Kind(models.TextChoices):
        CHECK_INCONCLUSIVE = "check_inconclusive", _("Background check inconclusive")
        PROVISIONING_FAILED = "provisioning_failed", _("Provisioning failed")
        # Outside systems already heard of a hire whose onboarding was then cancelled.
        DEPROVISION = "deprovision", _("Undo the provisioning of a cancelled hire")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="hr_tasks")
    background_check = models.ForeignKey(
        BackgroundCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="hr_tasks"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_at"]
        constraints = [
            # One open task per check and kind, so a replayed outcome does not pile up work.
            models.UniqueConstraint(
                fields=["kind", "background_check"],
                condition=models.Q(status="open"),
                name="hr_task_open_once",
            ),
        ]
        verbose_name = _("HR task")
        verbose_name_plural = _("HR tasks")

    data_subject = "application__candidate_id"


class CandidateMessageText(DomainModel):
    """Wording HR sets for a message to candidates (e.g. why an offer was withdrawn), per
    language; the outbox uses it in place of the built-in text when one exists."""

    class Key(models.TextChoices):
        OFFER_CANCELLED = "offer_cancelled", _("Offer withdrawn")

    key = models.CharField(max_length=32, choices=Key.choices)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="candidate_text_once")]
        verbose_name = _("candidate message text")
        verbose_name_plural = _("candidate message texts")

    def __str__(self):
        return f"{self.key} ({self.language})"


class OnboardingPlan(DomainModel):
    """One per hire: the checklist between an accepted offer and the first day."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETE = "complete", _("Complete")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        HIRE_WITHDREW = "hire_withdrew", _("The new hire withdrew")
        OFFER_WITHDRAWN = "offer_withdrawn", _("The offer was withdrawn")

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="onboarding_plan")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="onboarding_plans")
    start_date = models.DateField(_("start date"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=24, choices=CancelReason.choices, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")

    data_subject = "application__candidate_id"


class OnboardingTask(DomainModel):
    class Assignee(models.TextChoices):
        HR = "hr", _("HR")
        NEW_HIRE = "new_hire", _("New hire")

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Upload a document")
        CONFIRM = "confirm", _("Confirm a form")
        HR_ACTION = "hr_action", _("HR action")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        # Left open when the plan was cancelled: nobody needs to do it any more.
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.CharField(max_length=16, choices=Assignee.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("onboarding task")
        verbose_name_plural = _("onboarding tasks")

    data_subject = "plan__application__candidate_id"


class OnboardingDocument(DomainModel):
    """A new hire's upload (ID scan, diploma, bank form): the content is encrypted at rest."""

    task = models.ForeignKey(OnboardingTask, on_delete=models.CASCADE, related_name="documents")
    # Ours, never the sender's: "document-<id>" with the extension of the type found in the content,
    # the name a download is saved under. It tells nothing of the person, so it stays plain.
    filename = models.CharField(max_length=200)
    # The name on the sender's computer ("Li Na passport.pdf"), shown to HR and nothing more: the
    # person's, encrypted; cut to 200 characters (`onboarding.services.plans`).
    original_filename = EncryptedTextField()
    # Found in the content, not taken from the sender.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content_base64 = EncryptedTextField()

    class Meta:
        verbose_name = _("onboarding document")
        verbose_name_plural = _("onboarding documents")

    data_subject = "task__plan__application__candidate_id"


@restricted_fields(secret=HR_ONLY)
class ProvisioningTarget(DomainModel):
    """An outside system a hire is provisioned to, through a signed outbound webhook."""

    class System(models.TextChoices):
        OA = "oa", _("OA / e-mail account")
        FINANCE = "finance", _("Payroll and finance")
        TRAINING = "training", _("Training")

    system = models.CharField(max_length=16, choices=System.choices, unique=True)
    url = models.URLField(max_length=500)
    # HMAC key the receiver verifies our signature with; encrypted like personal data.
    secret = EncryptedTextField()
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("provisioning target")
        verbose_name_plural = _("provisioning targets")

    def __str__(self):
        return f"{self.get_system_display()} → {self.url}"


@restricted_fields(payload=HR_ONLY)
class ProvisioningDelivery(DomainModel):
    """One hire sent to one system: retried with back-off, then dead-lettered for HR."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Failed: needs HR")
        # Not sent (or not sent again) because the hire's onboarding was cancelled.
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="deliveries")
    target = models.ForeignKey(ProvisioningTarget, on_delete=models.PROTECT, related_name="deliveries")
    idempotency_key = models.CharField(max_length=200, unique=True)
    # What is sent (names, start date, salary for finance): personal data, encrypted.
    payload = EncryptedJSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("provisioning delivery")
        verbose_name_plural = _("provisioning deliveries")

    data_subject = "plan__application__candidate_id"
