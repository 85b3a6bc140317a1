"""Candidates' privacy requests (access, correction, erasure, restriction of AI processing), the
copies of their data that answer access requests, and the restrictions of processing in force."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from hrsuite.fields import EncryptedTextField
from hrsuite.models import DomainModel
from hrsuite.visibility import ALSO_CANDIDATE, HR_ONLY, restricted_fields


# The candidate reads what they asked and why a request was refused (a refusal is always
# explained to them); who handled it and HR's note of what was done are HR's.
@restricted_fields(text=ALSO_CANDIDATE, refusal_reason=ALSO_CANDIDATE, handled_by=HR_ONLY, resolution=HR_ONLY)
class PrivacyRequest(DomainModel):
    """One request of a candidate about their own data (PIPL Art. 44-47, GDPR Art. 15-18, the
    Illinois AI Video Interview Act), answered by its `deadline` (docs/architecture.md, "Privacy
    requests")."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access: a copy of my data")
        CORRECTION = "correction", _("Correction of my data")
        ERASURE = "erasure", _("Erasure of my data")
        RESTRICTION = "restriction", _("Restriction: no AI processing of my data")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Candidate portal")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    OPEN_STATES = (State.RECEIVED, State.IN_PROGRESS)

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="privacy_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("received through"), max_length=16, choices=Channel.choices)
    # What the candidate asked, in their words.
    text = EncryptedTextField(_("request"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField(_("received at"))
    # received_at + the days the candidate's region allows (HRSUITE_PRIVACY_DEADLINE_DAYS), kept
    # as it was when the request came in.
    deadline = models.DateTimeField(_("answer by"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Who last moved the request (started, completed or refused it); empty for the system.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    refusal_reason = EncryptedTextField(_("reason for refusal"))
    # HR's note of what was done (for a correction: what was corrected, and where).
    resolution = EncryptedTextField(_("what was done"))
    # A correction's changes as the audit trail recorded them: event ids, record types and the
    # fields changed, never their values.
    changes = models.JSONField(_("changes made"), default=list, blank=True)

    class Meta:
        ordering = ["deadline"]
        constraints = [
            # One open request of each kind per candidate: a second one while the first is being
            # answered would only race it.
            models.UniqueConstraint(
                fields=["candidate", "kind"],
                condition=models.Q(state__in=["received", "in_progress"]),
                name="privacy_request_open_once",
            ),
            # A refusal is explained, always (GDPR Art. 12(4)).
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""),
                name="privacy_request_refused_with_reason",
            ),
        ]
        indexes = [
            # The open requests by deadline: HR's list of what is due first, the dashboard's
            # requests due within a week and the overdue ones, read along it and cut.
            models.Index(
                fields=["deadline", "id"],
                condition=models.Q(state__in=["received", "in_progress"]),
                name="privacy_request_open_due",
            ),
            # Everything else HR lists, newest first, whole or by state.
            models.Index(fields=["-received_at", "id"], name="privacy_request_newest"),
            models.Index(fields=["state", "-received_at", "id"], name="privacy_request_state"),
            # A candidate's own requests (the portal).
            models.Index(fields=["candidate", "-received_at"], name="privacy_request_candidate"),
        ]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    data_subject = "candidate_id"


class AccessBundle(DomainModel):
    """The copy of everything held about a candidate that answers their access request: a JSON
    document and the same as a readable HTML one, sealed under the candidate's own key, built in
    the background and downloadable until `expires_at`, after which its content is deleted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed: needs HR")
        EXPIRED = "expired", _("Expired")

    request = models.OneToOneField(PrivacyRequest, on_delete=models.CASCADE, related_name="access_bundle")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # When the builder next tries it (now, or after a failed attempt, later).
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    built_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    content_json = EncryptedTextField()
    content_html = EncryptedTextField()

    class Meta:
        indexes = [
            # What the builder picks up, and what it deletes once expired: a few rows of many.
            models.Index(
                fields=["due_at"], condition=models.Q(status="pending"), name="access_bundle_pending"
            ),
            models.Index(
                fields=["expires_at"], condition=models.Q(status="ready"), name="access_bundle_ready"
            ),
        ]
        verbose_name = _("copy of personal data")
        verbose_name_plural = _("copies of personal data")

    data_subject = "candidate_id"


class ProcessingRestriction(DomainModel):
    """A candidate's data may not be processed by AI: no AI assessment of theirs is kept, a person
    assesses them instead (the assessment service asks, see `privacy.services.restrictions`). In
    force from the receipt of their restriction request until it is refused or lifted."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="+")
    # The request that last put it in force.
    request = models.ForeignKey(PrivacyRequest, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(_("in force since"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")

    data_subject = "candidate_id"
