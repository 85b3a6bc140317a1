"""The one way an AI assessment enters hrsuite, whatever brings it: the provider's webhook, the
API, an import or the demo.

Under the interview's row lock it checks, in this order: an AI interview; a state that takes an
assessment (the "assess" event of INTERVIEW_TRANSITIONS); no restriction of the candidate's that
keeps their data from AI processing (the checks the apps above register, see
`interviews.services.ai_processing`), both consents given on the current notice and no evaluation
by a person only granted as an accommodation, else the assessment is
withheld, nothing of it is kept and a person interviews instead; and the position's own
dimensions, an allow-list, so no emotion, face or voice inference (nor any other name) becomes a
score. Each refusal stores nothing.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ApplicationError, InvalidTransition, ValidationFailed
from hrsuite.permissions import get_for_change, require
from interviews.models import AIAssessment, AIDimensionScore, Interview
from interviews.notices import InterviewMessage
from interviews.services.accommodations import HUMAN_ONLY_REASON, human_only_granted
from interviews.services.ai_processing import ai_processing_withheld
from interviews.services.consent import consent_complete
from interviews.services.scheduling import INTERVIEW_TRANSITIONS

# Below these the AI's view is not trusted on its own and a person reviews it.
MIN_CONFIDENCE = Decimal("0.6")
MIN_TRANSCRIPT_QUALITY = Decimal("0.7")

STORED = "stored"
STORED_FOR_REVIEW = "stored_needs_human_review"
WITHHELD = "withheld_without_consent"
WITHHELD_RESTRICTED = "withheld_processing_restricted"
WITHHELD_HUMAN_ONLY = "withheld_human_only_accommodation"


# What is kept of a payload as received (`raw_payload`): the fields hrsuite reads, nothing else.
# The transcript is kept in its own field.
_KEPT = ("overall_score", "confidence", "transcript_quality", "model_version")
_KEPT_PER_DIMENSION = ("dimension", "score", "confidence", "evidence")


class AssessmentWithheld(ApplicationError):
    """The answer to a sender whose assessment was withheld for want of consent (nothing of it
    is kept; the recruiters are asked for a human-reviewed interview)."""

    status_code = 409
    code = "consent_missing"


class AssessedAlready(ApplicationError):
    status_code = 409
    code = "assessed_already"


@dataclass(frozen=True)
class AssessmentReceipt:
    """What became of an assessment that passed the interview checks: stored (the assessment),
    stored and waiting for a person, or withheld (none)."""

    outcome: str
    assessment: AIAssessment | None = None


def decimal_between(
    value, field: str, errors: dict, *, low: Decimal | int, high: Decimal | int
) -> Decimal | None:
    """`value` as a Decimal from `low` to `high`; else a message for `field` in `errors`."""
    if isinstance(value, bool):
        value = None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.setdefault(field, []).append(gettext("Must be a number."))
        return None
    if not low <= number <= high:
        errors.setdefault(field, []).append(
            gettext("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
    return number


@transaction.atomic
def assessment_ingest(
    *, interview: Interview, payload: dict, actor, detail: dict | None = None
) -> AssessmentReceipt:
    """Take an interview's AI assessment: per-dimension score, confidence and evidence quotes.

    Low confidence or a poor transcript stores it flagged for a person and tells the recruiters:
    the AI never lowers a score or rejects on its own. `detail` joins the audit events (the
    webhook names its event there).
    """
    require(actor, "assess", Interview)
    queryset = Interview.objects.select_related("application__candidate", "application__position")
    interview = get_for_change(queryset, user=actor, pk=interview.pk, action="assess")
    if interview.kind != Interview.Kind.AI_VIDEO:
        message = gettext("Only an AI interview takes an AI assessment; people assess this one.")
        raise ValidationFailed(message, fields={"interview": [message]}, code="not_ai_interview")
    if (interview.status, "assess") not in INTERVIEW_TRANSITIONS:
        raise InvalidTransition(
            entity=Interview._meta.verbose_name,
            state=interview.status,
            event="assess",
            code="interview_not_assessable",
        )
    candidate_id = interview.application.candidate_id
    if reason := ai_processing_withheld(candidate_id):
        return _withheld(interview, actor=actor, detail=detail, outcome=WITHHELD_RESTRICTED, reason=reason)
    if not consent_complete(interview=interview):
        return _withheld(
            interview, actor=actor, detail=detail, outcome=WITHHELD, reason="consent_missing_at_completion"
        )
    if human_only_granted(interview):
        # An evaluation by a person only was granted (docs/architecture.md, "Accommodations").
        return _withheld(
            interview, actor=actor, detail=detail, outcome=WITHHELD_HUMAN_ONLY, reason=HUMAN_ONLY_REASON
        )

    values, dimensions = _parsed(payload, allowed=set(interview.application.position.dimension_weights))
    if AIAssessment.objects.filter(interview=interview).exists():
        raise AssessedAlready(gettext("The interview has an assessment already."))
    needs_review = (
        values["transcript_quality"] < MIN_TRANSCRIPT_QUALITY
        or values["confidence"] < MIN_CONFIDENCE
        or any(dimension["confidence"] < MIN_CONFIDENCE for dimension in dimensions)
    )
    assessment = AIAssessment(
        interview=interview,
        overall_score=values["overall_score"],
        overall_confidence=values["confidence"],
        model_version=values["model_version"],
        weights_version=interview.application.position.weights_version,
        transcript_quality=values["transcript_quality"],
        transcript=str(payload.get("transcript") or ""),
        raw_payload=_kept(payload),
        needs_human_review=needs_review,
        received_at=timezone.now(),
    )
    assessment.save(force_insert=True)
    for dimension in dimensions:
        AIDimensionScore(assessment=assessment, **dimension).save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=assessment,
        candidate_id=candidate_id,
        changed_fields=["overall_score", "dimensions", "transcript", "raw_payload"],
        detail={**(detail or {}), "needs_human_review": needs_review},
    )
    if not needs_review:
        return AssessmentReceipt(STORED, assessment)
    recruiters_notify(
        template=InterviewMessage.REVIEW_NEEDED,
        interview=interview,
        reason="low_confidence_or_transcript",
        extra={"assessment": str(assessment.pk)},
    )
    return AssessmentReceipt(STORED_FOR_REVIEW, assessment)


def _withheld(
    interview: Interview, *, actor, detail: dict | None, outcome: str, reason: str
) -> AssessmentReceipt:
    """Not used: nothing of the assessment is kept, the recruiters are asked for an interview a
    person assesses, and the trail says it arrived and why it was not kept."""
    recruiters_notify(template=InterviewMessage.HUMAN_INTERVIEW_NEEDED, interview=interview, reason=reason)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=interview,
        candidate_id=interview.application.candidate_id,
        detail={**(detail or {}), "assessment": outcome, "reason": reason},
    )
    return AssessmentReceipt(outcome)


def _parsed(payload: dict, *, allowed: set[str]) -> tuple[dict, list[dict]]:
    """The payload's values and dimension rows, or ValidationFailed naming every field in error
    (`unknown_dimension` when the only errors are names outside the position's dimensions)."""
    errors: dict[str, list[str]] = {}
    values = {
        "overall_score": decimal_between(
            payload.get("overall_score"), "overall_score", errors, low=0, high=100
        ),
        "confidence": decimal_between(payload.get("confidence"), "confidence", errors, low=0, high=1),
        "transcript_quality": decimal_between(
            payload.get("transcript_quality"), "transcript_quality", errors, low=0, high=1
        ),
        "model_version": str(payload.get("model_version") or "").strip(),
    }
    if not values["model_version"]:
        errors["model_version"] = [gettext("Name the model version.")]
    given = payload.get("dimensions")
    if not isinstance(given, list) or not given:
        errors["dimensions"] = [gettext("Give at least one dimension score.")]
        given = []
    names: set[str] = set()
    unknown: set[str] = set()
    dimensions = []
    for i, item in enumerate(given):
        field = f"dimensions[{i}]"
        if not isinstance(item, dict):
            errors[field] = [gettext("Must be a JSON object.")]
            continue
        name = item.get("dimension")
        if not isinstance(name, str) or not name.strip():
            errors[f"{field}.dimension"] = [gettext("Name the dimension.")]
        elif name not in allowed:
            errors[f"{field}.dimension"] = [
                gettext("'%(name)s' is not a dimension of this position; it has %(dimensions)s.")
                % {"name": name, "dimensions": ", ".join(sorted(allowed))}
            ]
            unknown.add(f"{field}.dimension")
        elif name in names:
            errors[f"{field}.dimension"] = [gettext("'%(name)s' is named twice.") % {"name": name}]
        else:
            names.add(name)
        dimensions.append(
            {
                "dimension": name,
                "score": decimal_between(item.get("score"), f"{field}.score", errors, low=0, high=100),
                "confidence": decimal_between(
                    item.get("confidence"), f"{field}.confidence", errors, low=0, high=1
                ),
                "evidence": _evidence(item.get("evidence", []), f"{field}.evidence", errors),
            }
        )
    if errors:
        refusal = ValidationFailed.naming(gettext("Invalid assessment: %(fields)s."), errors)
        if set(errors) == unknown:
            refusal.code = "unknown_dimension"
        raise refusal
    return values, dimensions


def _evidence(quotes, field: str, errors: dict) -> list[dict]:
    """Quotes of what the candidate said, each with its start and end in the recording (s)."""
    if not isinstance(quotes, list):
        errors[field] = [gettext("Must be a list of quotes.")]
        return []
    kept = []
    for j, quote in enumerate(quotes):
        at = f"{field}[{j}]"
        if (
            not isinstance(quote, dict)
            or not isinstance(quote.get("quote"), str)
            or not quote["quote"].strip()
        ):
            errors[at] = [gettext("Give the quote's text, start_s and end_s.")]
            continue
        start = decimal_between(quote.get("start_s"), f"{at}.start_s", errors, low=0, high=86400)
        end = decimal_between(quote.get("end_s"), f"{at}.end_s", errors, low=0, high=86400)
        if start is not None and end is not None and end < start:
            errors.setdefault(f"{at}.end_s", []).append(gettext("Ends before it starts."))
        if start is None or end is None:
            continue
        kept.append({"quote": quote["quote"], "start_s": float(start), "end_s": float(end)})
    return kept


def _kept(payload: dict) -> dict:
    kept = {key: payload[key] for key in _KEPT if key in payload}
    kept["dimensions"] = [
        {key: item[key] for key in _KEPT_PER_DIMENSION if key in item} for item in payload["dimensions"]
    ]
    return kept
