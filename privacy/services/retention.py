"""The nightly purge: what is older than its retention period goes (docs/architecture.md,
"Retention").

Beat's `privacy-retention-purge` runs `retention_purge` once a night. Each rule takes at most
PER_RULE items a run, oldest first, each item in a transaction of its own with its audit event,
so a run stays short however much is due and a failure loses one item's work; what is left is
taken the next night, and the run's report says a rule left some. The rules (periods in
HRSUITE_RETENTION_DAYS, counted from when the application left the pipeline):

- `recordings`: the provider asked to delete the meeting's recording and transcript (a step the
  erasure dispatcher takes and retries, `privacy.services.erasure`), and the transcript and the
  provider's raw answer deleted here;
- `consent_withdrawn`: the same at once, for a candidate whose latest consent decision is a
  withdrawal (the notice promises earlier deletion then);
- `ai_assessments`: the quotes kept as evidence and people's reasons for their reviews; the
  scores stay, for the statistics;
- `rejected_files`: a candidate whose applications all ended without a hire is erased whole, as
  if they had asked (no one is told: there is no request);
- `onboarding_documents`: a new hire's uploads, after their onboarding ended.

The audit trail is never purged: it is append-only, and kept at least the 3 years the law asks.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Length
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import CLOSED_STAGES, Application, Candidate, Stage
from interviews.models import AIAssessment, AIDimensionScore, Consent, HumanReview, Interview
from onboarding.models import OnboardingDocument, OnboardingPlan
from onboarding.selectors import erasure_holds
from privacy.models import ErasureHandOff, RetentionRun
from privacy.services import erasure

logger = logging.getLogger(__name__)

PURGER = "system:retention"
# Items one rule takes in a run, at most.
PER_RULE = 500
# An application out of the pipeline: its hiring process is over.
_ENDED = (*CLOSED_STAGES, Stage.HIRED)


def retention_purge(*, now: datetime | None = None) -> RetentionRun:
    """Tonight's run: every rule in turn, the report written as it goes."""
    now = now or timezone.now()
    days = settings.HRSUITE_RETENTION_DAYS
    run = RetentionRun(started_at=now, periods=dict(days))
    run.save(force_insert=True)
    rules = {
        "recordings": lambda: _recordings(_ended_before(now, days["recordings"]), rule="recordings"),
        "consent_withdrawn": lambda: _recordings(_consent_withdrawn(), rule="consent_withdrawn"),
        "ai_assessments": lambda: _assessments(now - timedelta(days=days["ai_assessments"])),
        "rejected_files": lambda: _rejected_files(now - timedelta(days=days["rejected_files"])),
        "onboarding_documents": lambda: _documents(now - timedelta(days=days["onboarding_documents"])),
    }
    for rule, purge in rules.items():
        purged, left = purge()
        run.purged[rule], run.left[rule] = purged, left
        RetentionRun.objects.filter(pk=run.pk).update(purged=run.purged, left=run.left)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at", "purged", "left", "updated_at"])
    return run


def _taken(ids: list) -> tuple[list, bool]:
    """The first PER_RULE of what is due, and whether more were."""
    return ids[:PER_RULE], len(ids) > PER_RULE


def _each(ids, work) -> int:
    """`work(id)` in a transaction of its own per item; a failed one is logged and left for the
    next night. How many were done."""
    done = 0
    for pk in ids:
        try:
            with transaction.atomic():
                done += work(pk)
        except Exception:
            logger.exception("retention: purging %s failed; left for the next run", pk)
    return done


# --- What is due -----------------------------------------------------------------------------------


def _ended_before(now: datetime, days: int) -> Q:
    """Interviews of applications that left the pipeline more than `days` ago."""
    return Q(application__stage__in=_ENDED, application__stage_changed_at__lt=now - timedelta(days=days))


def _consent_withdrawn() -> Q:
    """Interviews of candidates who withdrew a consent and did not give it again since: read from
    the withdrawals, a few rows, along the consents' index by candidate and scope."""
    given_again = Consent.objects.filter(
        candidate_id=OuterRef("candidate_id"),
        scope=OuterRef("scope"),
        decision=Consent.Decision.GIVEN,
        decided_at__gt=OuterRef("decided_at"),
    )
    withdrawn = Consent.objects.filter(decision=Consent.Decision.WITHDRAWN).exclude(Exists(given_again))
    return Q(application__candidate_id__in=withdrawn.values("candidate_id"))


# --- Recordings and transcripts ----------------------------------------------------------------------


def _recordings(due: Q, *, rule: str) -> tuple[int, bool]:
    """Interviews with a recording the provider still holds (no deletion asked yet) or a
    transcript still kept."""
    asked = ErasureHandOff.objects.filter(
        kind=ErasureHandOff.Kind.PROVIDER,
        system=OuterRef("provider"),
        reference=OuterRef("provider_meeting_id"),
    )
    held = Q(~Q(provider_meeting_id="") & ~Exists(asked)) | Q(
        Exists(
            AIAssessment.objects.filter(interview=OuterRef("pk"))
            .alias(payload=Length("raw_payload"))
            .exclude(transcript="", payload=0)
        )
    )
    ids = list(
        Interview.objects.filter(due, held, application__candidate__erased_at__isnull=True)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)[: PER_RULE + 1]
    )
    ids, left = _taken(ids)
    return _each(ids, lambda pk: _recording_purged(pk, rule=rule)), left


def _recording_purged(pk, *, rule: str) -> int:
    interview = Interview.objects.select_for_update().select_related("application").get(pk=pk)
    now = timezone.now()
    if interview.provider_meeting_id:
        ErasureHandOff.objects.bulk_create(
            [
                ErasureHandOff(
                    candidate_id=interview.application.candidate_id,
                    kind=ErasureHandOff.Kind.PROVIDER,
                    system=interview.provider,
                    reference=interview.provider_meeting_id,
                    due_at=now,
                )
            ],
            ignore_conflicts=True,
        )
    cleared = []
    assessment = AIAssessment.objects.select_for_update().filter(interview=interview).first()
    if assessment is not None:
        assessment.transcript, assessment.raw_payload = "", {}
        assessment.save(update_fields=["transcript", "raw_payload", "updated_at"])
        cleared = ["transcript", "raw_payload"]
    audit_record(
        actor=PURGER,
        action=AuditAction.DELETE,
        target=interview,
        changed_fields=cleared,
        detail={"event": "retention", "rule": rule, "recording": bool(interview.provider_meeting_id)},
    )
    return 1


# --- Evidence and reviews ------------------------------------------------------------------------------


def _assessments(cutoff: datetime) -> tuple[int, bool]:
    # An encrypted field is compared with nothing but emptiness, by its length.
    quoted = (
        AIDimensionScore.objects.filter(assessment=OuterRef("pk"))
        .alias(quotes=Length("evidence"))
        .exclude(quotes=0)
    )
    reasoned = HumanReview.objects.filter(dimension_score__assessment=OuterRef("pk")).exclude(reason="")
    ids = list(
        AIAssessment.objects.filter(
            interview__application__stage__in=_ENDED,
            interview__application__stage_changed_at__lt=cutoff,
            interview__application__candidate__erased_at__isnull=True,
        )
        .filter(Q(Exists(quoted)) | Q(Exists(reasoned)))
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[: PER_RULE + 1]
    )
    ids, left = _taken(ids)
    return _each(ids, _assessment_purged), left


def _assessment_purged(pk) -> int:
    assessment = AIAssessment.objects.select_for_update().get(pk=pk)
    scores = list(
        AIDimensionScore.objects.filter(assessment=assessment)
        .alias(quotes=Length("evidence"))
        .exclude(quotes=0)
    )
    for score in scores:
        score.evidence = []
        score.save(update_fields=["evidence", "updated_at"])
    reviews = list(HumanReview.objects.filter(dimension_score__assessment=assessment).exclude(reason=""))
    for review in reviews:
        review.reason = ""
        review.save(update_fields=["reason", "updated_at"])
    audit_record(
        actor=PURGER,
        action=AuditAction.DELETE,
        target=assessment,
        changed_fields=["evidence", "review_reasons"],
        detail={
            "event": "retention",
            "rule": "ai_assessments",
            "scores": len(scores),
            "reviews": len(reviews),
        },
    )
    return 1


# --- Whole files -------------------------------------------------------------------------------------


def _rejected_files(cutoff: datetime) -> tuple[int, bool]:
    """Candidates with applications, none of them open or hired, the last of them closed before
    `cutoff`, and not erased yet."""
    not_closed = Application.objects.filter(candidate=OuterRef("pk")).exclude(stage__in=CLOSED_STAGES)
    ids = list(
        Candidate.objects.filter(erased_at__isnull=True)
        .filter(Exists(Application.objects.filter(candidate=OuterRef("pk"))), ~Exists(not_closed))
        .annotate(closed=Max("applications__stage_changed_at"))
        .filter(closed__lt=cutoff)
        .order_by("closed", "pk")
        .values_list("pk", flat=True)[: PER_RULE + 1]
    )
    ids, left = _taken(ids)
    return _each(ids, _file_erased), left


def _file_erased(pk) -> int:
    if erasure_holds(candidate_id=pk):  # a re-review still waiting for HR keeps it
        return 0
    # The erasure's own audit event names the purger as its actor.
    erasure.person_erase(candidate=Candidate.objects.get(pk=pk), actor=PURGER)
    return 1


# --- Onboarding documents -------------------------------------------------------------------------------


def _documents(cutoff: datetime) -> tuple[int, bool]:
    ended = Q(task__plan__status=OnboardingPlan.Status.COMPLETE) | Q(
        task__plan__status=OnboardingPlan.Status.CANCELLED
    )
    ids = list(
        OnboardingDocument.objects.filter(ended, task__plan__updated_at__lt=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[: PER_RULE + 1]
    )
    ids, left = _taken(ids)
    return _each(ids, _document_deleted), left


def _document_deleted(pk) -> int:
    document = (
        OnboardingDocument.objects.select_for_update().select_related("task__plan__application").get(pk=pk)
    )
    audit_record(
        actor=PURGER,
        action=AuditAction.DELETE,
        target=document,
        detail={"event": "retention", "rule": "onboarding_documents", "task": str(document.task_id)},
    )
    document.delete()
    return 1
