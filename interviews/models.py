"""Interviews, interviewer assignments, AI assessments with evidence, human reviews and scorecards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from candidates.models import Application
from hrsuite.fields import EncryptedJSONField, EncryptedTextField
from hrsuite.models import DomainModel


class Interview(DomainModel):
    class Kind(models.TextChoices):
        AI_VIDEO = "ai_video", _("AI video")
        LIVE_VIDEO = "live_video", _("Live video")
        PHONE = "phone", _("Phone")
        ONSITE = "onsite", _("On site")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        TECHNICAL_ISSUE = "technical_issue", _("Technical issue")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="interviews")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    provider = models.CharField(_("provider"), max_length=40, default="simulated")
    provider_meeting_id = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))  # UTC, like every stored time
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    candidate_time_zone = models.CharField(_("candidate's time zone"), max_length=64)
    join_url = models.URLField(_("join link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # Results (assessment summary) are shown to the candidate only after HR releases them.
    results_released_at = models.DateTimeField(_("results released at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        # Granted to integration tokens whose scope names it (see `integration_token` command).
        permissions = [("assess_interview", _("Can post the AI assessment of an interview"))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def audit_candidate_id(self):
        return self.application.candidate_id


class InterviewUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Interview, on_delete=models.CASCADE)


class InterviewAssignment(DomainModel):
    """The source of an interviewer's access: see `interviews.services.assignment_create`."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="assignments")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="assignment_once_per_interviewer"
            ),
        ]

    def audit_candidate_id(self):
        return self.interview.application.candidate_id


class AIAssessment(DomainModel):
    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="assessment")
    overall_score = models.DecimalField(max_digits=5, decimal_places=2)
    overall_confidence = models.DecimalField(max_digits=4, decimal_places=3)
    model_version = models.CharField(max_length=100)
    # 0..1, from the provider's speech recognition; low quality routes to human review.
    transcript_quality = models.DecimalField(max_digits=4, decimal_places=3)
    transcript = EncryptedTextField(_("transcript"))
    raw_payload = EncryptedJSONField()
    needs_human_review = models.BooleanField(default=False)
    received_at = models.DateTimeField()

    def audit_candidate_id(self):
        return self.interview.application.candidate_id


class AIDimensionScore(DomainModel):
    assessment = models.ForeignKey(AIAssessment, on_delete=models.CASCADE, related_name="dimensions")
    dimension = models.CharField(max_length=60)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    # [{"quote": "...", "start_s": 12.5, "end_s": 19.0}, ...]: what the candidate said.
    evidence = EncryptedJSONField(default=list)

    class Meta:
        ordering = ["dimension"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="dimension_once_per_assessment"),
        ]


class HumanReview(DomainModel):
    """A person confirms or overrides one AI dimension score, and says why."""

    class Outcome(models.TextChoices):
        CONFIRM = "confirm", _("Confirm")
        OVERRIDE = "override", _("Override")

    dimension_score = models.ForeignKey(AIDimensionScore, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    reason = EncryptedTextField(_("reason"))

    class Meta:
        ordering = ["created_at"]

    def audit_candidate_id(self):
        return self.dimension_score.assessment.interview.application.candidate_id


class Recommendation(models.TextChoices):
    STRONG_YES = "strong_yes", _("Strong yes")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    STRONG_NO = "strong_no", _("Strong no")


class Scorecard(DomainModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    ratings = models.JSONField(_("ratings per dimension"), default=dict)  # {"communication": 4}, 1..5
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    # The interviewer's private notes: never shown to the candidate.
    notes = EncryptedTextField(_("notes"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="scorecard_once_per_interviewer"
            ),
        ]

    def audit_candidate_id(self):
        return self.interview.application.candidate_id
