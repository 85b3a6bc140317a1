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


class ErasureHandOff(DomainModel):
    """One step of an erasure that happens outside this database, tracked until it is done
    (docs/architecture.md, "Erasure"): the person's key destroyed in the key store, a video
    provider asked to delete a meeting's recording and transcript, a background-check provider
    asked to delete a check, a provisioning target asked to delete what it was sent about a hire,
    and last the confirmation to the person.

    It names the person by id only and holds nothing of theirs but the confirmation's address,
    sealed under the keyring (the row has no `data_subject`: the person's own key is gone by the
    time it is sent) and emptied once the message is handed to the mail server or given up."""

    class Kind(models.TextChoices):
        KEY = "key", _("Person key destroyed")
        PROVIDER = "provider", _("Video provider: recording and transcript deleted")
        CHECK = "check", _("Background-check provider: check deleted")
        PROVISIONING = "provisioning", _("Provisioning target: new-hire data deleted")
        CONFIRMATION = "confirmation", _("Erasure confirmed to the person")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: needs HR")

    # The request the erasure answers; empty for one the retention rules made.
    request = models.ForeignKey(
        PrivacyRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="hand_offs"
    )
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("step"), max_length=16, choices=Kind.choices)
    # The provider or provisioning system asked, and what it is asked about (a meeting id, a
    # check id, a plan id): references the other system knows, nothing of the person.
    system = models.CharField(_("system"), max_length=40, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    # The confirmation's address and language: the one copy of the address kept past the erasure.
    address = EncryptedTextField()
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind", "system", "reference"], name="erasure_hand_off_once"
            ),
            # The address goes as soon as the confirmation is no longer waiting to be sent.
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending"]) | models.Q(address=""),
                name="erasure_hand_off_address_while_open",
            ),
        ]
        indexes = [
            # What the dispatcher claims: the few steps open, by due time.
            models.Index(
                fields=["due_at"], condition=models.Q(status="pending"), name="erasure_hand_off_due"
            ),
            models.Index(fields=["request", "status"], name="erasure_hand_off_request"),
        ]
        verbose_name = _("erasure hand-off")
        verbose_name_plural = _("erasure hand-offs")

    def __str__(self):
        return f"{self.get_kind_display()} {self.system} ({self.get_status_display()})"


class RetentionRun(DomainModel):
    """One night's purge of what its retention period is over for (docs/architecture.md,
    "Retention"): what was purged under each rule, as counts, and whether a rule left more for the
    next night. HR reads it; it names no one."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # {rule: how many were purged}, {rule: more were due than a run takes}; rules as in
    # HRSUITE_RETENTION_DAYS, and "consent_withdrawn".
    purged = models.JSONField(_("purged"), default=dict)
    left = models.JSONField(default=dict)
    # The periods in force for the run, in days.
    periods = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-started_at"], name="retention_run_newest")]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
