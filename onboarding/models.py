"""Decisions, offers, background checks and onboarding: the steps after the interviews."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Application, Position
from hrsuite.fields import EncryptedJSONField, EncryptedTextField
from hrsuite.models import DomainModel


class Decision(DomainModel):
    """A named recruiter's decision on an application (DESIGN.md §4 step 7): AI scores inform it,
    never make it. A rejected candidate may ask for a human re-review, which is recorded here."""

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

    def audit_candidate_id(self):
        return self.application.candidate_id


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

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="offer")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="offers")
    # A decimal amount as text (gross per year), encrypted like every personal figure.
    salary = EncryptedTextField(_("salary"))
    currency = models.CharField(_("currency"), max_length=3)
    start_date = models.DateField(_("start date"))
    location = models.CharField(_("location"), max_length=200)
    expires_at = models.DateTimeField(_("answer by"))
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    # Raised on each submission, so approvals of an earlier, rejected round stay apart.
    approval_round = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def audit_candidate_id(self):
        return self.application.candidate_id


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

    def audit_candidate_id(self):
        return self.offer.application.candidate_id


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

    def audit_candidate_id(self):
        return self.application.candidate_id


class BackgroundCheckEvent(DomainModel):
    """Each background-check provider event once: a replay finds its row and changes nothing."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    background_check = models.ForeignKey(
        BackgroundCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="background_check_event_once"),
        ]


class HRTask(DomainModel):
    """Work a person in HR must pick up and close, such as an inconclusive background check."""

    class Kind(models.TextChoices):
        CHECK_INCONCLUSIVE = "check_inconclusive", _("Background check inconclusive")

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

    def audit_candidate_id(self):
        return self.application.candidate_id
