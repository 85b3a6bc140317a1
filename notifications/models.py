"""The notification outbox: every message hrsuite sends is a row here first."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrsuite.fields import EncryptedJSONField
from hrsuite.models import DomainModel
from notifications.registry import NORMAL, template_choices


class Notification(DomainModel):
    """The outbox (docs/architecture.md, "Notifications").

    A beat task sends the rows that are due, claiming each with a compare-and-set update and
    re-checking at send time that what it announces still holds. The recipient's address is read
    at send time from the candidate or user, so no second copy of contact data is kept here.
    The templates are the ones the domain apps register (`notifications.registry`).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    template = models.CharField(max_length=32, choices=template_choices)
    language = models.CharField(max_length=10, default="en")
    # Exactly one recipient: a candidate, or a user (interviewer, recruiter).
    candidate = models.ForeignKey(
        "candidates.Candidate", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    interview = models.ForeignKey(
        "interviews.Interview", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # What the message announces, as it was when it was queued (e.g. starts_at, calendar_sequence);
    # ids and times only, never personal data.
    payload = models.JSONField(default=dict, blank=True)
    # Links that are credentials in themselves (a reschedule offer's token), encrypted at rest like
    # personal data, so reading the table does not let anyone act for the candidate. Sealed under
    # the model's label from before it moved here, so rows written before the move still open.
    secret_payload = EncryptedJSONField(default=dict, sealed_as="interviews.notification")
    due_at = models.DateTimeField()
    # The template's priority when the row was queued (notifications.registry): urgent rows due
    # are claimed before normal ones.
    priority = models.PositiveSmallIntegerField(default=NORMAL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)

    class Meta:
        # The table, index and constraint keep the names they were created with in `interviews`.
        db_table = "interviews_notification"
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="interviews__status_88e7cb_idx"),
            # The dispatcher's claim: due rows, urgent first, then by due time.
            models.Index(fields=["status", "priority", "due_at"], name="notification_claim_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(candidate__isnull=False, recipient_user__isnull=True)
                | models.Q(candidate__isnull=True, recipient_user__isnull=False),
                name="notification_one_recipient",
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return (
            f"{self.template} → {self.candidate_id or self.recipient_user_id} at {self.due_at:%Y-%m-%d %H:%M}"
        )

    data_subject = "candidate_id"
