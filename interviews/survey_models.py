"""The candidates' own view of their interviews: one short survey after each interview, and its
results by region, provider and kind of interview, computed in the background and kept
(docs/architecture.md, "Candidate survey"). Imported by `interviews.models`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hrsuite.fields import EncryptedTextField
from hrsuite.models import DomainModel
from hrsuite.visibility import ALSO_CANDIDATE, restricted_fields

# Both ratings are on this scale; the database holds nothing else.
SURVEY_SCALE = (1, 5)


def _on_scale(name: str) -> models.Q:
    low, high = SURVEY_SCALE
    return models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__gte": low, f"{name}__lte": high})


# The comment is the candidate's words: HR reads it (and the candidate their own), never an
# interviewer (no policy gives them a row either).
@restricted_fields(comment=ALSO_CANDIDATE)
class InterviewSurvey(DomainModel):
    """One invitation to the survey of one interview, sent once (the unique constraint holds it
    even when two runs of beat queue at once), and the candidate's answers once they gave them.

    Region, provider and kind are copied from the interview when it is sent, so the results are
    grouped without joins. The ratings are kept as numbers, as interview scores are, for the
    statistics; the comment is the person's words, sealed under their key ("Person keys")."""

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("interview")
    )
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="+", verbose_name=_("candidate")
    )
    language = models.CharField(_("language"), max_length=10)
    region = models.CharField(_("region"), max_length=10)
    provider = models.CharField(_("provider"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16)
    sent_at = models.DateTimeField(_("sent at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    overall = models.PositiveSmallIntegerField(_("overall (1 to 5)"), null=True, blank=True)
    technical_problems = models.BooleanField(_("technical problems"), null=True, blank=True)
    fairness = models.PositiveSmallIntegerField(_("treated fairly (1 to 5)"), null=True, blank=True)
    comment = EncryptedTextField(_("comment"))

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "candidate"], name="survey_once_per_interview"),
            models.CheckConstraint(condition=_on_scale("overall"), name="survey_overall_on_scale"),
            models.CheckConstraint(condition=_on_scale("fairness"), name="survey_fairness_on_scale"),
            # Answered whole or not at all: never half an answer.
            models.CheckConstraint(
                condition=models.Q(
                    answered_at__isnull=True,
                    overall__isnull=True,
                    fairness__isnull=True,
                    technical_problems__isnull=True,
                )
                | models.Q(
                    answered_at__isnull=False,
                    overall__isnull=False,
                    fairness__isnull=False,
                    technical_problems__isnull=False,
                ),
                name="survey_answered_whole",
            ),
        ]
        indexes = [
            # The results' window: surveys sent since a time, by group.
            models.Index(fields=["sent_at"], name="survey_sent_at"),
            # HR's list, a candidate's own.
            models.Index(fields=["candidate", "-sent_at"], name="survey_candidate"),
        ]
        verbose_name = _("interview survey")
        verbose_name_plural = _("interview surveys")

    data_subject = "candidate_id"

    def __str__(self):
        return f"survey of {self.interview_id}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class SurveyResult(DomainModel):
    """The survey's results and the completion rate of one group of interviews, as of
    `computed_at` (`interviews.services.survey_results`): a region, provider and kind together,
    or one of them alone, or everything (`level`; the others empty).

    Numbers only: no candidate is named here, so an erasure leaves nothing behind in this table."""

    class Level(models.TextChoices):
        GROUP = "group", _("Region, provider and kind")
        REGION = "region", _("Region")
        PROVIDER = "provider", _("Provider")
        KIND = "kind", _("Kind of interview")
        ALL = "all", _("All interviews")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.CharField(_("region"), max_length=10, blank=True)
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    # The window: interviews that started, and surveys sent, since this time.
    since = models.DateTimeField(_("since"))
    sent = models.PositiveIntegerField(_("surveys sent"), default=0)
    answered = models.PositiveIntegerField(_("answers"), default=0)
    # Each rating's mean with its 95% interval (Student's t), kept only from the minimum n on.
    overall_n = models.PositiveIntegerField(default=0)
    overall_mean = models.FloatField(null=True, blank=True)
    overall_low = models.FloatField(null=True, blank=True)
    overall_high = models.FloatField(null=True, blank=True)
    fairness_n = models.PositiveIntegerField(default=0)
    fairness_mean = models.FloatField(null=True, blank=True)
    fairness_low = models.FloatField(null=True, blank=True)
    fairness_high = models.FloatField(null=True, blank=True)
    # Answers that reported technical problems (their share of `answered`).
    technical_problems = models.PositiveIntegerField(_("technical problems reported"), default=0)
    # Interviews that started in the window (not cancelled), and of them completed.
    scheduled = models.PositiveIntegerField(_("interviews scheduled"), default=0)
    completed = models.PositiveIntegerField(_("interviews completed"), default=0)

    class Meta:
        ordering = ["level", "region", "provider", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region", "provider", "kind"], name="survey_result_once_per_group"
            ),
        ]
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")

    def __str__(self):
        return f"{self.level}: {self.region}/{self.provider}/{self.kind}"

    @property
    def answer_share(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def technical_share(self) -> float | None:
        return self.technical_problems / self.answered if self.answered else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.scheduled if self.scheduled else None
