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
