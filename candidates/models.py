"""Candidates, positions (requisitions), applications with their stage history, and prior records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from candidates.dimensions import dimension_label
from candidates.languages import CHINESE, ENGLISH, in_language
from hrsuite.fields import EncryptedTextField
from hrsuite.models import DomainModel, columns_property
from hrsuite.tallies import row_count_kept
from hrsuite.visibility import ALSO_CANDIDATE, HR_ONLY, SeenAs, presented_fields, restricted_fields, stored


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "简体中文"


# The longest delay HR may set before a rejected candidate is told: a month. A longer silence is
# no longer a respectful answer.
REJECTION_NOTICE_HOURS_MAX = 720
# The longest wait in a stage a position may allow before an application counts as stuck: a year.
STUCK_AFTER_DAYS_MAX = 366


# A position's bounds, which its service checks and the database holds it to.
HEADCOUNT_MAX = 1000


class Position(DomainModel):
    """A requisition: what is hired for, where, by whom, through which interviews, and on which
    dimensions candidates are assessed (docs/architecture.md, "Positions")."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    # The title in each language the suite speaks; at least one is given, and a reader gets
    # theirs, else the other (`title`).
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=120)
    # ISO 3166 country, optionally with subdivision ("CN", "US-IL", "DE-BE"), as the `holidays`
    # package knows it: drives holidays.
    region = models.CharField(_("region"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=64)
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)
    # The hiring team: the recruiter who owns the position, and the interviewers it draws on.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("interviewer pool")
    )
    # The interviews a candidate goes through, in order: [{"kind": "ai_video", "duration_minutes":
    # 30}, ...], kinds as interviews have them (`candidates.services.positions`).
    interview_plan = models.JSONField(_("interview plan"), default=list)
    # {"communication": 0.3, "problem_solving": 0.4, ...}; weights sum to 1.
    dimension_weights = models.JSONField(_("score weights per dimension"), default=dict)
    # The version of those weights, counted from 1: each change is a `PositionWeights` row, and
    # every AI assessment keeps the version it was scored under (docs/architecture.md, "Later
    # performance and validity").
    weights_version = models.PositiveIntegerField(_("weights version"), default=1)
    # HR's label of each dimension in each language: {"problem_solving": {"en": "Problem
    # solving", "zh-hans": "解决问题"}}; read through `dimension_label`.
    dimension_labels = models.JSONField(_("dimension labels"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # Hours between a rejection and the candidate's message about it; empty for the suite's
    # default (HRSUITE_REJECTION_NOTICE_HOURS).
    rejection_notice_hours = models.PositiveSmallIntegerField(_("rejection message delay (hours)"), null=True)
    # Days an application may wait in one stage of the pipeline before it counts as stuck: flagged
    # on the position's board and counted on the dashboard (docs/architecture.md, "Pipeline board").
    stuck_after_days = models.PositiveSmallIntegerField(_("stuck after (days in a stage)"), default=14)

    # The title columns by language, for reads that pick their columns (`values()`, `only()`).
    TITLE_FIELDS = {ENGLISH: "title_en", CHINESE: "title_zh_hans"}

    class Meta:
        ordering = ["title_en", "title_zh_hans"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rejection_notice_hours__lte=REJECTION_NOTICE_HOURS_MAX),
                name="position_rejection_notice_hours_range",
            ),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1, headcount__lte=HEADCOUNT_MAX),
                name="position_headcount_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(title_en="") | ~models.Q(title_zh_hans=""), name="position_has_a_title"
            ),
            models.CheckConstraint(
                condition=models.Q(stuck_after_days__gte=1, stuck_after_days__lte=STUCK_AFTER_DAYS_MAX),
                name="position_stuck_after_days_range",
            ),
        ]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.title

    @classmethod
    def title_columns(cls, prefix: str = "") -> tuple[str, ...]:
        """The title columns, as a read that picks its columns names them from a row that leads
        to the position (`prefix`: "application__position__")."""
        return tuple(f"{prefix}{name}" for name in cls.TITLE_FIELDS.values())

    @property
    def titles(self) -> dict[str, str]:
        """The title by language."""
        return {language: getattr(self, name) for language, name in self.TITLE_FIELDS.items()}

    @columns_property("title_en", "title_zh_hans")
    def title(self) -> str:
        """The title in the active language, else in the other."""
        return in_language(self.titles)

    def title_in(self, language: str | None) -> str:
        """The title in `language` (a message's reader's), else in the other."""
        return in_language(self.titles, language)

    def dimension_label(self, key: str, language: str | None = None) -> str:
        return dimension_label(key, self.dimension_labels, language)

    def dimensions(self, language: str | None = None) -> list[dict]:
        """The dimensions rated, weightiest first (stored key order is not kept everywhere), each
        as {"key", "weight", "label"}, the label in `language` (the active one when None)."""
        weights = sorted(self.dimension_weights.items(), key=lambda item: (-float(item[1]), item[0]))
        return [
            {"key": key, "weight": float(weight), "label": self.dimension_label(key, language)}
            for key, weight in weights
        ]


def title_in(values: dict, language: str | None = None, *, prefix: str = "") -> str:
    """The title of a position read as `values()` (its title columns under `prefix`), in
    `language` (the active one when None), else in the other."""
    titles = {code: values.get(f"{prefix}{name}") for code, name in Position.TITLE_FIELDS.items()}
    return in_language(titles, language)


class PositionWeights(DomainModel):
    """One version of a position's dimension weights: as HR set them, or adopted from the
    weights fitted to hires' later performance, with what the adoption was based on. The
    position's `dimension_weights` are always its latest version's."""

    class Source(models.TextChoices):
        SET = "set", _("Set by HR")
        ADOPTED = "adopted", _("Adopted from the validity figures")

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="weight_versions")
    version = models.PositiveIntegerField(_("version"))
    weights = models.JSONField(_("weights"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"))
    # For an adoption: the validity figures' row, when they were computed, on how many hires, and
    # the cross-validated gain with its interval. Numbers only.
    basis = models.JSONField(_("basis"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["position", "version"], name="position_weights_once_per_version"),
        ]
        verbose_name = _("position weights")
        verbose_name_plural = _("position weights")


# Interviewers see the résumé, not contact data or identity documents; the candidate sees their
# own contact data; where they came from is HR's.
@restricted_fields(
    email=ALSO_CANDIDATE, phone=ALSO_CANDIDATE, national_id=HR_ONLY, date_of_birth=HR_ONLY, source=HR_ONLY
)
@row_count_kept
class Candidate(DomainModel):
    # Set when the candidate is invited to the portal; the portal shows only this candidate's data.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidate"
    )
    # Found by the blind index of its tokens (`CandidateNameToken`), never by its value; at most
    # NAME_LENGTH_MAX characters (`candidates.services.candidates`).
    full_name = EncryptedTextField(_("full name"))
    email = EncryptedTextField(_("e-mail"))
    # HMAC of the normalised e-mail: finds and de-duplicates candidates without decrypting.
    email_index = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("phone"))
    # HMAC of the normalised number (`candidates.services.candidates.phone_index`): HR's search
    # finds a candidate by an exact phone number without decrypting; empty without a number.
    # Not unique: people share a phone.
    phone_index = models.CharField(max_length=64, editable=False, blank=True, default="")
    national_id = EncryptedTextField(_("national ID"))
    date_of_birth = EncryptedTextField(_("date of birth"))
    region = models.CharField(_("region"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=64)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    resume_text = EncryptedTextField(_("résumé"))
    source = models.CharField(_("source"), max_length=60, blank=True)
    # When the person was erased (`privacy.services.erasure`): their key is destroyed, so every
    # encrypted value of theirs reads as erased; what is left is what statistics need.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email_index"], name="candidate_unique_email"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "id"]),
            # The candidate list filtered by position or stage: the matching applications name
            # their candidates, whose creation time this index gives without reading the table,
            # so the newest are picked from those few instead of walking every candidate.
            models.Index(fields=["id"], include=["created_at"], name="candidate_id_created"),
            # HR's search by an exact phone number (docs/architecture.md, "Finding candidates").
            models.Index(fields=["phone_index"], name="candidate_phone_index"),
            # HR's candidate list narrowed by source: a page, newest first, and its count (up to
            # where the page counts) from the index alone.
            models.Index(fields=["source", "-created_at", "id"], name="candidate_source_newest"),
        ]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self):
        return self.full_name

    data_subject = "id"


class CandidateNameToken(models.Model):
    """One token of a candidate's name, as its blind index: what HR's name search finds the
    candidate by while the name itself is encrypted (`candidates.names`; docs/architecture.md,
    "Encryption at rest"). Written with the name, in its transaction, by the candidate services.

    The index is keyed, so the table names no one without the key; with it, a guessed name can
    be checked against it, so a person's tokens go with their other data when they are erased."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="name_tokens")
    # HMAC-SHA256 (hex) of one token: a word, or a character or a pair of characters of a name
    # written without spaces.
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # Once per candidate, so that joining a token finds each candidate at most once; the
            # search reads it as its index, token first.
            models.UniqueConstraint(fields=["token", "candidate"], name="candidate_name_token_once"),
        ]
        verbose_name = _("candidate name token")
        verbose_name_plural = _("candidate name tokens")

    def __str__(self):
        return f"name token of {self.candidate_id}"

    data_subject = "candidate_id"


class CandidateUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Candidate, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("candidate permission")
        verbose_name_plural = _("candidate permissions")
        # An interviewer's candidate list is paged along their grants, newest first.
        indexes = [models.Index(fields=["user", "permission", "id"], name="candidate_grant_order")]


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    INTERVIEWING = "interviewing", _("Interviewing")
    DECISION = "decision", _("Awaiting decision")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The ways out: an application in one of these is closed, and nothing is pending for it any more
# (`interviews.services.closing`).
CLOSED_STAGES = (Stage.REJECTED, Stage.WITHDRAWN)
# An application still under way: neither closed nor hired. A closed position's are listed for HR
# to close (docs/architecture.md, "Positions").
OPEN_STAGES = tuple(stage for stage in Stage if stage not in (*CLOSED_STAGES, Stage.HIRED))


# The stages an interviewer's work needs (which interview to attend, a scorecard to write). What
# came of the application after, a decision, an offer, a hire or a withdrawal, is not theirs: an
# interviewer reads the application as it stood when it last entered one of these.
STAGES_BEFORE_OUTCOME = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING)


def _last_change_before_outcome(application: "Application") -> "StageChange | None":
    changes = [c for c in application.stage_history.all() if c.to_stage in STAGES_BEFORE_OUTCOME]
    return max(changes, key=lambda change: change.at, default=None)


def _stage_before_outcome(application: "Application", stage: str) -> str:
    if stage in STAGES_BEFORE_OUTCOME:
        return stage
    last = _last_change_before_outcome(application)
    return last.to_stage if last else Stage.APPLIED


def _stage_changed_before_outcome(application: "Application", at):
    if stored(application, "stage") in STAGES_BEFORE_OUTCOME:
        return at
    last = _last_change_before_outcome(application)
    return last.at if last else application.created_at


# The candidate follows their own application to its end; HR sees it all.
@presented_fields(
    stage=SeenAs(ALSO_CANDIDATE, present=_stage_before_outcome),
    stage_changed_at=SeenAs(ALSO_CANDIDATE, present=_stage_changed_before_outcome),
)
@row_count_kept
class Application(DomainModel):
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="applications")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.APPLIED)
    stage_changed_at = models.DateTimeField(_("stage changed at"))
    # The candidate's `created_at`, which never changes: HR's candidate list narrowed by position
    # or stage lists candidates newest first, and reads a page of them along one index of these.
    candidate_created_at = models.DateTimeField(_("candidate added at"), editable=False)

    class Meta:
        ordering = ["-stage_changed_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "position"], name="application_once_per_position"),
        ]
        indexes = [
            # HR's candidate list narrowed by stage, position, or both (/hr/candidates/?stage=):
            # a page of candidates, newest first, and their count, from an index alone, without
            # reading the table or sorting. The last also serves the dashboard's pipeline, which
            # counts applications per position and stage.
            models.Index(
                fields=["stage", "-candidate_created_at", "candidate"], name="application_stage_newest"
            ),
            models.Index(
                fields=["position", "-candidate_created_at", "candidate"], name="application_position_newest"
            ),
            models.Index(
                fields=["position", "stage", "-candidate_created_at", "candidate"],
                name="application_position_stage_new",
            ),
            # A position's board: each stage's applications, longest waiting first, numbered
            # from this index alone.
            models.Index(fields=["position", "stage", "stage_changed_at", "id"], name="application_board"),
            # HR's candidate list by time in stage, narrowed by stage or not narrowed (open
            # applications): a page of candidates along these, without sorting every match.
            models.Index(
                fields=["stage", "stage_changed_at", "id"],
                include=["candidate", "candidate_created_at"],
                name="application_stage_since",
            ),
            models.Index(
                fields=["stage_changed_at", "id"],
                include=["candidate", "candidate_created_at"],
                condition=models.Q(stage__in=OPEN_STAGES),
                name="application_open_since",
            ),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.candidate} → {self.position}"

    def save(self, *args, **kwargs):
        if self.candidate_created_at is None:
            self.candidate_created_at = self.candidate.created_at
        super().save(*args, **kwargs)

    data_subject = "candidate_id"


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("application permission")
        verbose_name_plural = _("application permissions")


# Why an application moved, and who moved it, are HR's: never the candidate's or an interviewer's.
@restricted_fields(reason=HR_ONLY, actor=HR_ONLY)
class StageChange(DomainModel):
    """The application's timeline: every stage it entered, when, by whom and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = EncryptedTextField(_("reason"))

    data_subject = "application__candidate_id"

    class Meta:
        ordering = ["at"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")


@restricted_fields(rating=HR_ONLY, notes=HR_ONLY)
class PriorRecord(DomainModel):
    """Past performance and training of internal or returning candidates."""

    class Kind(models.TextChoices):
        PERFORMANCE_REVIEW = "performance_review", _("Performance review")
        TRAINING = "training", _("Training")
        EMPLOYMENT = "employment", _("Previous employment")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="prior_records")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # What the person did and how they were rated is theirs: encrypted, at most 200 and 40
    # characters (`candidates.services.prior_records`).
    title = EncryptedTextField(_("title"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"), null=True, blank=True)
    rating = EncryptedTextField(_("rating"))
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("prior record")
        verbose_name_plural = _("prior records")

    data_subject = "candidate_id"


class ResumeFile(DomainModel):
    """A résumé file (PDF or DOCX) of a candidate, its content encrypted at rest under their key.
    A candidate keeps a short history (HRSUITE_RESUME_FILES_KEPT), the newest being the current
    one; its text, read in the background, becomes the candidate's `resume_text`
    (`candidates.services.resume_files`; docs/architecture.md, "Résumé files")."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Text not read yet")
        READING = "reading", _("Text being read")
        EXTRACTED = "extracted", _("Text extracted")
        NO_TEXT = "no_text", _("No text could be extracted")

    class Problem(models.TextChoices):
        # Why no text came out of a file; the file is kept all the same.
        NO_TEXT_LAYER = "no_text_layer", _("The file holds no text, only images (a scan, say).")
        ENCRYPTED = "encrypted", _("The file is protected by a password.")
        DAMAGED = "damaged", _("The file could not be read.")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="resume_files")
    # The name on the sender's computer ("Li Na CV final.pdf"): the person's, encrypted; shown,
    # never used as the name of a download (see `filename`).
    original_filename = EncryptedTextField(_("file name"))
    # Found in the content, never taken from the sender.
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # SHA-256 of the content (hex), for whoever checks they hold the same file. Sealed with it: a
    # plain hash would outlive the candidate's erasure and confirm a copy of their file.
    sha256 = EncryptedTextField(_("SHA-256"))
    content_base64 = EncryptedTextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reading its text: a row of the claim-and-retry queue (docs/architecture.md, "The
    # claim-and-retry queue"), pending until a worker claims it.
    status = models.CharField(_("text"), max_length=16, choices=Status.choices, default=Status.PENDING)
    problem = models.CharField(_("why no text"), max_length=16, choices=Problem.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    extracted_at = models.DateTimeField(_("text read at"), null=True, blank=True)

    class Meta:
        indexes = [
            # A candidate's files, newest (current) first.
            models.Index(fields=["candidate", "-created_at", "-id"], name="resume_file_newest"),
            # What the readers claim: pending rows, earliest due first.
            models.Index(fields=["status", "next_attempt_at"], name="resume_file_claim_order"),
        ]
        verbose_name = _("résumé file")
        verbose_name_plural = _("résumé files")

    def __str__(self):
        return self.filename

    @property
    def filename(self) -> str:
        """Ours, never the sender's: what a download is saved as, with the extension of the type
        found in the content."""
        extension = ".docx" if self.content_type == DOCX_CONTENT_TYPE else ".pdf"
        return f"resume-{self.pk.hex[:12]}{extension}"

    @property
    def uploaded_at(self):
        return self.created_at

    @property
    def text_pending(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.READING)

    data_subject = "candidate_id"


PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ApplicationIntake(DomainModel):
    """How an application came in through the intake (the careers page, or the intake API for job
    boards and referral tools): the channel, how the applicant heard of us, and the privacy notice
    they acknowledged (docs/architecture.md, "Careers page and intake")."""

    class Channel(models.TextChoices):
        CAREERS_PAGE = "careers_page", _("Careers page")
        API = "api", _("Intake API")

    class Source(models.TextChoices):
        JOB_BOARD = "job_board", _("A job board")
        REFERRAL = "referral", _("Someone who works here")
        SOCIAL = "social", _("Social media")
        SEARCH = "search", _("A web search")
        EVENT = "event", _("A job fair or event")
        OTHER = "other", _("Somewhere else")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="intake")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="intakes")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The integration whose token sent it; empty for the careers page.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("how they heard of us"), max_length=16, choices=Source.choices, blank=True)
    # The applicant's own words ("a friend, Wang Fang"): theirs, encrypted.
    source_detail = EncryptedTextField(_("in their words"))
    # The language they applied in, which their confirmation came in.
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    # The privacy notice shown to them and acknowledged, by version and the hash of its text.
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    notice_sha256 = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField(_("notice acknowledged at"))

    class Meta:
        verbose_name = _("application intake")
        verbose_name_plural = _("application intakes")
        # An integration's token holds this alone: it posts applications, and reads nothing.
        permissions = [("submit_applicationintake", _("Can submit applications through the intake"))]

    def __str__(self):
        return f"{self.channel}: {self.application_id}"

    data_subject = "candidate_id"
