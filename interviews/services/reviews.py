"""People's reviews of AI dimension scores."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import require
from interviews.models import AIAssessment, AIDimensionScore, HumanReview
from interviews.services.assessments import decimal_between


@transaction.atomic
def human_review_create(
    *, dimension_score: AIDimensionScore, outcome: str, score=None, reason: str, actor
) -> HumanReview:
    require(actor, "add", HumanReview)
    errors: dict[str, list[str]] = {}
    if outcome not in HumanReview.Outcome.values:
        errors["outcome"] = [gettext("Choose one of %(choices)s.") % {"choices": HumanReview.Outcome.values}]
    if not reason.strip():
        errors["reason"] = [gettext("Say why: a reviewer's reason is always recorded.")]
    if outcome == HumanReview.Outcome.OVERRIDE:
        score = (
            decimal_between(score, "score", errors, low=Decimal(0), high=Decimal(100))
            if score is not None
            else None
        )
        if score is None and "score" not in errors:
            errors["score"] = [gettext("An override needs the new score.")]
    else:
        score = None
    if errors:
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)
    review = HumanReview(
        dimension_score=dimension_score, reviewer=actor, outcome=outcome, score=score, reason=reason
    )
    review.save(force_insert=True)
    # The first review takes the assessment off the queue of those waiting for a person.
    AIAssessment.objects.filter(pk=dimension_score.assessment_id, first_reviewed_at__isnull=True).update(
        first_reviewed_at=review.created_at, updated_at=review.created_at
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=review,
        candidate_id=dimension_score.assessment.interview.application.candidate_id,
        changed_fields=["outcome", "score", "reason"],
        detail={"dimension": dimension_score.dimension},
    )
    return review
