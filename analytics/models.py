"""Later performance of hires, and what it says of the interviews that chose them
(docs/architecture.md, "Later performance and validity")."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Application, Position
from hrsuite.fields import EncryptedJSONField, EncryptedTextField
from hrsuite.models import DomainModel
from hrsuite.visibility import HR_ONLY, restricted_fields


# A rating is HR's: no interviewer or candidate sees it (no policy gives them a row either).
@restricted_fields(rating=HR_ONLY, dimension_ratings=HR_ONLY, recorded_by=HR_ONLY)
class PerformanceRating(DomainModel):
    """How a hire performed over one period (a half-year, say): an overall rating from 1 to 5 and,
    optionally, one per dimension of the position. Linked to the hire's application, and so to
    the interviews and scores that chose them. One per application and period."""

    class Source(models.TextChoices):
        API = "api", _("Performance system (API)")
        CSV = "csv", _("CSV upload")
        HR = "hr", _("Entered by HR")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="performance_ratings")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    # The person's rating, sealed under their key: a decimal from 1 to 5 as text ("3.5").
    rating = EncryptedTextField(_("rating"))
    # {"communication": "4", ...}: ratings per dimension of the position, each from 1 to 5.
    dimension_ratings = EncryptedJSONField(_("ratings per dimension"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # Who recorded it: the recruiter, or the performance system's integration user.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["application", "period_start"], name="rating_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="rating_period_forward"
            ),
        ]
        verbose_name = _("performance rating")
        verbose_name_plural = _("performance ratings")

    def __str__(self):
        return f"rating of {self.application_id} from {self.period_start}"

    data_subject = "application__candidate_id"


class ValidityResult(DomainModel):
    """The validity figures of one scope, a position or a department (the group of its
    positions), as of `computed_at` (`analytics.services.validity`): correlations per dimension
    with their sample sizes, intervals and p-values, the share of hires, suggested weights.

    Numbers only: no candidate is named or identified here, so erasing one leaves nothing behind
    in this table. A row without figures, or with `asked_at` set, waits for beat."""

    class Kind(models.TextChoices):
        POSITION = "position", _("Position")
        DEPARTMENT = "department", _("Department")

    # "position:<id>" or "department:<name>".
    scope = models.CharField(_("scope"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="validity_results"
    )
    department = models.CharField(_("department"), max_length=120)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder, null=True, blank=True)
    # Hires rated (the largest n of the figures), for the list of scopes.
    rated_hires = models.PositiveIntegerField(_("hires rated"), default=0)
    # New ratings ask for the department to be computed again; a run of beat that does so marks
    # it as being computed, so that another run started meanwhile leaves it alone.
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    computing_since = models.DateTimeField(_("computing since"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "department", "scope"]
        indexes = [
            # The analytics list, department by department, each group before its positions.
            models.Index(fields=["department", "kind", "scope"], name="validity_list_order"),
        ]
        verbose_name = _("validity result")
        verbose_name_plural = _("validity results")

    def __str__(self):
        return self.scope


# --- Fairness (docs/architecture.md, "Fairness") ------------------------------------------------


# Nobody but compliance reads an answer: no other role holds the model's global `view`
# permission, and no object policy gives anyone a row (`analytics.policies`).
@restricted_fields(sex=HR_ONLY, race_ethnicity=HR_ONLY)
class SelfIdentification(DomainModel):
    """A candidate's voluntary self-identification, apart from their file: their own table,
    each answer sealed under their person key (erasing them erases it), one row per candidate and
    scheme of categories (`analytics.fairness.categories`: EEO-1 for US positions, sex alone
    elsewhere). An empty answer is "not answered"; "declined" is "prefer not to say"."""

    class Channel(models.TextChoices):
        CAREERS = "careers", _("Careers page")
        PORTAL = "portal", _("Candidate portal")

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="self_identifications"
    )
    # "us_eeo1" or "sex_only": the questions asked.
    scheme = models.CharField(_("categories"), max_length=16)
    # The region of the position it was asked for ("US-NY"), and the application.
    region = models.CharField(_("region"), max_length=10)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sex = EncryptedTextField(_("sex"))
    race_ethnicity = EncryptedTextField(_("race or ethnicity"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "scheme"], name="self_identification_once_per_scheme"
            )
        ]
        verbose_name = _("self-identification")
        verbose_name_plural = _("self-identifications")

    def __str__(self):
        return f"self-identification {self.pk}"

    data_subject = "candidate_id"


class FairnessResult(DomainModel):
    """The impact ratios of one AI tool (a provider), overall or for one position, as of
    `computed_at` (`analytics.services.fairness`): counts, selection and scoring rates and impact
    ratios per sex, race or ethnicity and their intersection, Fisher's exact p-values.

    Counts only: no candidate is named here. Computed by beat; pages read a row by key."""

    # "tool:<provider>" or "tool:<provider>:position:<id>".
    scope = models.CharField(_("scope"), max_length=200, unique=True)
    provider = models.CharField(_("AI tool"), max_length=40)
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="fairness_results"
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder, null=True, blank=True)
    # Applications that reached an AI interview of the tool.
    applicants = models.PositiveIntegerField(_("applicants"), default=0)
    # Compliance asked for the figures again (before an audit, say); beat computes them.
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    computing_since = models.DateTimeField(_("computing since"), null=True, blank=True)

    class Meta:
        ordering = ["provider", "scope"]
        verbose_name = _("fairness result")
        verbose_name_plural = _("fairness results")

    def __str__(self):
        return self.scope


class BiasAudit(DomainModel):
    """A bias audit of an AI tool as published: its date, the data it was made from, the number
    of applicants per category and the impact ratios (a snapshot of a `FairnessResult`), with the
    PDF and CSV made of it. Never changed once made; the latest per tool dates the tool's audit."""

    provider = models.CharField(_("AI tool"), max_length=40)
    audit_date = models.DateField(_("audit date"))
    source_description = models.TextField(_("source data"))
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("figures computed at"))
    pdf = models.BinaryField(_("PDF"))
    csv = models.TextField(_("CSV"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-audit_date", "-created_at"]
        indexes = [models.Index(fields=["provider", "-audit_date"], name="bias_audit_latest")]
        verbose_name = _("bias audit")
        verbose_name_plural = _("bias audits")

    def __str__(self):
        return f"bias audit of {self.provider} on {self.audit_date}"
