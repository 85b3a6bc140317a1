"""Interviews, interviewer assignments, AI assessments with evidence, human reviews and scorecards."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from candidates.models import Application
from hrsuite.fields import EncryptedJSONField, EncryptedTextField
from hrsuite.models import DomainModel, ReceivedEvent
from hrsuite.tallies import row_count_kept
from hrsuite.visibility import ALSO_CANDIDATE, ALSO_INTERVIEWER, HR_ONLY, restricted_fields


@row_count_kept
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

    # Kinds held on the provider's video platform; phone and on-site interviews have no meeting.
    VIDEO_KINDS = (Kind.AI_VIDEO, Kind.LIVE_VIDEO)

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
    # RFC 5545 SEQUENCE of the calendar invitation: raised on every reschedule and on cancel.
    calendar_sequence = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # When the candidate file received the summary of assessment and scorecards.
    summary_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            # HR's candidate list (/hr/candidates/): the upcoming interviews of the applications a
            # page shows, found per application instead of among every scheduled interview.
            models.Index(fields=["application", "status", "starts_at"], name="interview_application_status"),
            # HR's dashboard agenda: the first interviews of the coming week in time order, read
            # along the index (cancelled ones skipped as it is read) and stopped at the page's cut.
            models.Index(fields=["starts_at", "id"], name="interview_starts_at"),
        ]
        # Granted to integration tokens whose scope names it (see `integration_token` command).
        permissions = [("assess_interview", _("Can post the AI assessment of an interview"))]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def has_recording(self) -> bool:
        """Whether the provider holds a recording of it: a video interview held there to the end."""
        return bool(
            self.kind in self.VIDEO_KINDS
            and self.status == self.Status.COMPLETED
            and self.provider_meeting_id
        )

    data_subject = "application__candidate_id"


class InterviewUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Interview, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("interview permission")
        verbose_name_plural = _("interview permissions")


# The name under which the database refuses an interviewer's overlapping busy bookings: an
# exclusion constraint on PostgreSQL, triggers on SQLite, both created by migration 0017 (a
# PostgreSQL-only constraint cannot be declared on the model for both databases).
BOOKING_OVERLAP = "assignment_booking_overlap"
# Interviews that hold an interviewer's time: the only bookings BOOKING_OVERLAP compares.
BUSY_STATUSES = (Interview.Status.SCHEDULED, Interview.Status.IN_PROGRESS)


class WorkspaceGroup(models.IntegerChoices):
    """Where an assignment is listed in its interviewer's workspace, in the order of the list:
    awaiting the interviewer's scorecard (held, their scorecard not submitted), upcoming
    (scheduled or under way), done (the rest)."""

    AWAITING = 0, _("Awaiting my scorecard")
    UPCOMING = 1, _("Upcoming")
    DONE = 2, _("Done")


def interview_end(*, status: str, starts_at, minutes: int, ended_at=None):
    """The end an assignment keeps of its interview: the booked one, or once the interview is held,
    when it ended as the provider reported it (the booked one where it never said). Overdue
    scorecards count from it (`interviews.selectors.scorecards_overdue`)."""
    if status == Interview.Status.COMPLETED and ended_at is not None:
        return ended_at
    return starts_at + timedelta(minutes=minutes)


def workspace_place(*, status: str, starts_at, submitted: bool | None = None) -> dict:
    """The workspace columns of an assignment whose interview has this status and start: its
    group, and the start again while the interview is ahead of the interviewer (awaiting or
    upcoming), empty once done. A held interview's group depends on whether the interviewer
    submitted their scorecard: `submitted` when known, else each row of an update asks for its
    own interviewer (`starts_at` may then be an expression too)."""
    if status in BUSY_STATUSES:
        return {"workspace_group": WorkspaceGroup.UPCOMING, "workspace_ahead_at": starts_at}
    if status != Interview.Status.COMPLETED or submitted:
        return {"workspace_group": WorkspaceGroup.DONE, "workspace_ahead_at": None}
    if submitted is not None:
        return {"workspace_group": WorkspaceGroup.AWAITING, "workspace_ahead_at": starts_at}
    has_submitted = models.Exists(
        Scorecard.objects.filter(
            interview=models.OuterRef("interview_id"),
            interviewer=models.OuterRef("interviewer_id"),
            status=Scorecard.Status.SUBMITTED,
        )
    )
    ahead_at = starts_at if hasattr(starts_at, "resolve_expression") else models.Value(starts_at)
    return {
        "workspace_group": models.Case(
            models.When(has_submitted, then=models.Value(WorkspaceGroup.DONE)),
            default=models.Value(WorkspaceGroup.AWAITING),
        ),
        "workspace_ahead_at": models.Case(
            models.When(has_submitted, then=None), default=ahead_at, output_field=models.DateTimeField()
        ),
    }


@restricted_fields(assigned_by=HR_ONLY)
class InterviewAssignment(DomainModel):
    """The source of an interviewer's access: see `interviews.services.assignments.assignment_create`."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="assignments")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copies of the interview's status, start and end (`interview_end`), which
    # `interview_transition` keeps in step: the interviewer's workspace sorts and counts their
    # interviews from these rows' index alone instead of reading each of their (thousands of)
    # interviews from all over the table, the database refuses two busy bookings of one
    # interviewer that overlap (BOOKING_OVERLAP), and the overdue scorecards are counted on them.
    interview_status = models.CharField(max_length=16, choices=Interview.Status.choices)
    interview_starts_at = models.DateTimeField()
    interview_ends_at = models.DateTimeField()
    # The workspace lists an interviewer's assignments by group (`WorkspaceGroup`), awaiting and
    # upcoming soonest first, done latest first, each page read along `assignment_workspace_list`
    # and the groups counted on indexes alone: `workspace_place` sets both columns wherever the status or
    # start is copied, and `scorecard_submit` moves the interview to done. `workspace_ahead_at`
    # is the start while the interview is ahead of the interviewer, empty once done, so that one
    # index, ascending on it then descending on the start, holds the list's whole order.
    workspace_group = models.PositiveSmallIntegerField(choices=WorkspaceGroup.choices)
    workspace_ahead_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="assignment_once_per_interviewer"
            ),
        ]
        indexes = [
            # An interviewer's bookings of each status by time (BOOKING_OVERLAP's checks).
            models.Index(
                fields=["interviewer", "interview_status", "interview_starts_at", "interview"],
                include=["id"],
                name="assignment_workspace",
            ),
            models.Index(
                fields=[
                    "interviewer",
                    "workspace_group",
                    "workspace_ahead_at",
                    "-interview_starts_at",
                    "interview",
                ],
                name="assignment_workspace_list",
            ),
            # An interviewer's interviews by their start (the interview list's order).
            models.Index(
                fields=["interviewer", "interview_starts_at", "interview"],
                name="assignment_interviewer_start",
            ),
            # Overdue scorecards (`interviews.selectors.scorecards_overdue`), longest overdue
            # first: the assignments awaiting their interviewer's scorecard by when the interview
            # ended. The HR dashboard reads its list along it and stops at the first few found,
            # and counts them on the index alone, without joining the interviews or scorecards
            # (over 600 ms at 100,000 candidates, growing with them).
            models.Index(
                fields=["interview_ends_at", "id"],
                condition=models.Q(workspace_group=WorkspaceGroup.AWAITING),
                name="assignment_awaiting",
            ),
        ]
        verbose_name = _("interview assignment")
        verbose_name_plural = _("interview assignments")

    data_subject = "interview__application__candidate_id"


# Flagged for a person, and no one has reviewed one of its scores yet: the dashboard's queue.
WAITING_FOR_REVIEW = models.Q(needs_human_review=True, first_reviewed_at__isnull=True)


# The provider's payload as received; what it holds that people may see is in the other fields.
@restricted_fields(raw_payload=HR_ONLY)
class AIAssessment(DomainModel):
    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="assessment")
    overall_score = models.DecimalField(max_digits=5, decimal_places=2)
    overall_confidence = models.DecimalField(max_digits=4, decimal_places=3)
    model_version = models.CharField(max_length=100)
    # The version of the position's dimension weights it was scored under (`PositionWeights`);
    # empty for assessments received before weights had versions.
    weights_version = models.PositiveIntegerField(null=True, blank=True)
    # 0..1, from the provider's speech recognition; low quality routes to human review.
    transcript_quality = models.DecimalField(max_digits=4, decimal_places=3)
    transcript = EncryptedTextField(_("transcript"))
    raw_payload = EncryptedJSONField()
    needs_human_review = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    # When a person first reviewed one of its scores (`human_review_create`): a flagged
    # assessment waits for a person until then.
    first_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The dashboard's queue of assessments waiting for a person, oldest first: a small slice
        # of a large table, and of the flagged ones, which stay flagged once reviewed.
        indexes = [
            models.Index(
                fields=["received_at", "id"],
                condition=WAITING_FOR_REVIEW,
                name="assessment_review_queue",
            )
        ]
        verbose_name = _("AI assessment")
        verbose_name_plural = _("AI assessments")

    @property
    def waits_for_review(self) -> bool:
        """WAITING_FOR_REVIEW, for one assessment in hand."""
        return self.needs_human_review and self.first_reviewed_at is None

    data_subject = "interview__application__candidate_id"


class AIDimensionScore(DomainModel):
    assessment = models.ForeignKey(AIAssessment, on_delete=models.CASCADE, related_name="dimensions")
    dimension = models.CharField(max_length=60)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    # [{"quote": "...", "start_s": 12.5, "end_s": 19.0}, ...]: what the candidate said.
    evidence = EncryptedJSONField(default=list)

    data_subject = "assessment__interview__application__candidate_id"

    class Meta:
        ordering = ["dimension"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="dimension_once_per_assessment"),
        ]
        verbose_name = _("AI dimension score")
        verbose_name_plural = _("AI dimension scores")


@restricted_fields(reason=HR_ONLY, reviewer=HR_ONLY)
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
        verbose_name = _("human review")
        verbose_name_plural = _("human reviews")

    data_subject = "dimension_score__assessment__interview__application__candidate_id"


class Recommendation(models.TextChoices):
    STRONG_YES = "strong_yes", _("Strong yes")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    STRONG_NO = "strong_no", _("Strong no")


# An interviewer's notes: for the hiring team and themselves (others' scorecards they never see).
@restricted_fields(notes=ALSO_INTERVIEWER)
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
        indexes = [
            # The interviewer workspace (/workspace/) sorts and counts an interviewer's interviews
            # by the state of their own scorecards: read from this index alone.
            models.Index(fields=["interviewer", "status", "interview"], name="scorecard_interviewer_status"),
        ]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    data_subject = "interview__application__candidate_id"


class WebhookEvent(ReceivedEvent):
    """Each video provider event once."""

    interview = models.ForeignKey(
        Interview, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")


class ConsentNotice(DomainModel):
    """A versioned privacy notice: purpose, what is evaluated and how, retention, who sees it."""

    version = models.CharField(max_length=20)
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="notice_once_per_language"),
        ]
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")

    def __str__(self):
        return f"{self.title} v{self.version} ({self.language})"


class Consent(DomainModel):
    """One decision of a candidate on one scope of a notice. PIPL asks for biometric (face and
    voice) consent separately from general consent; the latest decision per scope counts."""

    class Scope(models.TextChoices):
        GENERAL = "general", _("Processing for this application")
        BIOMETRIC = "biometric", _("Face and voice analysis")

    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="consents")
    interview = models.ForeignKey(
        Interview, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    notice = models.ForeignKey(ConsentNotice, on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_at = models.DateTimeField()
    # Where the candidate decided from, their address and browser, as evidence of the decision:
    # theirs, encrypted (the user agent cut to 256 characters by `consent_save`).
    ip = EncryptedTextField()
    user_agent = EncryptedTextField()

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["candidate", "scope", "-decided_at"])]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    data_subject = "candidate_id"


class Incident(DomainModel):
    """A technical failure or no-show reported by the provider, and how it was resolved."""

    class Kind(models.TextChoices):
        TECHNICAL_ISSUE = "technical_issue", _("Technical issue")
        NO_SHOW = "no_show", _("No-show")

    class Resolution(models.TextChoices):
        OPEN = "open", _("Open")
        RESCHEDULE_OFFERED = "reschedule_offered", _("New time offered")
        PHONE_OFFERED = "phone_offered", _("Phone interview offered")
        RESCHEDULED = "rescheduled", _("Rescheduled")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    # Copied from the interview, so rates by region and provider need no joins.
    region = models.CharField(max_length=10)
    provider = models.CharField(max_length=40)
    # The provider's technical details (error codes, network figures), which can name the
    # candidate's network (their address, their connection): encrypted.
    details = EncryptedJSONField()
    resolution = models.CharField(max_length=24, choices=Resolution.choices, default=Resolution.OPEN)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["region", "provider", "-occurred_at"]),
            # The dashboard's open incidents, newest first.
            models.Index(
                fields=["-occurred_at"], condition=models.Q(resolution="open"), name="incident_open"
            ),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    data_subject = "interview__application__candidate_id"


class RescheduleOffer(DomainModel):
    """Slots offered to a candidate after a failure; the candidate picks one through a link.

    Only the SHA-256 of the link's token is stored, so the table cannot be used to pick for them.
    """

    class Kind(models.TextChoices):
        RESCHEDULE = "reschedule", _("Same kind of interview at a new time")
        PHONE = "phone", _("Phone interview instead")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="reschedule_offers")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RESCHEDULE)
    token_sha256 = models.CharField(max_length=64, unique=True)
    slots = models.JSONField(default=list)  # ISO 8601 UTC start times
    expires_at = models.DateTimeField()
    chosen_slot = models.DateTimeField(null=True, blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reschedule offer")
        verbose_name_plural = _("reschedule offers")

    data_subject = "interview__application__candidate_id"


# The candidate reads what they asked and HR's answer; an interviewer sees that an accommodation
# applies and what it changes (kind, minutes), never the candidate's words nor HR's answer, which
# may speak of their health; who decided is HR's (docs/architecture.md, "Accommodations").
@restricted_fields(words=ALSO_CANDIDATE, answer=ALSO_CANDIDATE, decided_by=HR_ONLY)
class Accommodation(DomainModel):
    """What a candidate asks to be changed about one interview, and HR's answer by `answer_by`."""

    class Kind(models.TextChoices):
        EXTRA_TIME = "extra_time", _("Extra time")
        CAPTIONS = "captions", _("Captions")
        HUMAN_ONLY = "human_only", _("Evaluation by a person only")
        OTHER_FORMAT = "other_format", _("Another interview format")
        OTHER = "other", _("Something else")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Candidate portal")
        LINK = "link", _("Interview link")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="accommodations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Extra time only: the minutes asked for, which granting adds to the booked slot.
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), null=True, blank=True)
    # What the candidate wrote, in their words: personal, possibly about their health.
    words = EncryptedTextField(_("in the candidate's words"))
    channel = models.CharField(_("asked through"), max_length=8, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(_("asked at"))
    # When HR must have answered: HRSUITE_ACCOMMODATION_ANSWER_DAYS working days after the
    # request, and never after the interview starts; kept as it was when the request came in.
    answer_by = models.DateTimeField(_("answer by"))
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # HR's answer, which the candidate is sent.
    answer = EncryptedTextField(_("answer"))

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            # One request of a kind per interview until it is declined: a second one while the
            # first is open or in force would only race it.
            models.UniqueConstraint(
                fields=["interview", "kind"],
                condition=models.Q(state__in=["requested", "granted"]),
                name="accommodation_once_per_kind",
            ),
            # Minutes belong to extra time, and extra time has them.
            models.CheckConstraint(
                condition=(models.Q(kind="extra_time") & models.Q(extra_minutes__isnull=False))
                | (~models.Q(kind="extra_time") & models.Q(extra_minutes__isnull=True)),
                name="accommodation_minutes_for_extra_time",
            ),
            # An answered request names when it was answered; a declined one says why.
            models.CheckConstraint(
                condition=models.Q(state="requested") | models.Q(decided_at__isnull=False),
                name="accommodation_answered_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="declined") | ~models.Q(answer=""),
                name="accommodation_declined_with_answer",
            ),
        ]
        indexes = [
            # The open requests by deadline (overdue ones first), a few rows of many.
            models.Index(
                fields=["answer_by", "id"],
                condition=models.Q(state="requested"),
                name="accommodation_open_due",
            ),
        ]
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    data_subject = "interview__application__candidate_id"


# The candidate survey's tables live in a module of their own (docs/architecture.md, "Candidate survey").
from interviews.survey_models import InterviewSurvey, SurveyResult  # noqa: E402, F401
