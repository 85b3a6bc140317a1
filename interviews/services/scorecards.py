"""Interviewers' scorecards: drafted, then submitted and locked."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from hrsuite.workflow import transition
from interviews.models import Interview, InterviewAssignment, Recommendation, Scorecard, WorkspaceGroup
from interviews.services.feedback import feedback_check


def _check_scorecard(interview: Interview, ratings: dict, recommendation: str, errors: dict) -> None:
    dimensions = set(interview.application.position.dimension_weights)
    # The interviewer's workspace finds the rating a message is about by its key in straight
    # quotes ('communication'), in every language: the translations keep them.
    for name, value in ratings.items():
        if name not in dimensions:
            errors.setdefault("ratings", []).append(
                pgettext("rating key", "'%(name)s' is not a dimension of this position.") % {"name": name}
            )
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors.setdefault("ratings", []).append(
                pgettext("rating key", "'%(name)s' must be a whole number from 1 to 5.") % {"name": name}
            )
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = [
            gettext("Choose one of %(choices)s.") % {"choices": Recommendation.values}
        ]


@transaction.atomic
def scorecard_save(
    *, interview: Interview, ratings: dict, recommendation: str = "", notes: str = "", actor
) -> Scorecard:
    """Create or update the actor's own draft scorecard for an interview they are assigned to."""
    if not InterviewAssignment.objects.filter(interview=interview, interviewer=actor).exists():
        raise NotFound(gettext("Interview not found."))
    errors: dict[str, list[str]] = {}
    _check_scorecard(interview, ratings, recommendation, errors)
    if errors:
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)
    scorecard, created = Scorecard.objects.select_for_update().get_or_create(
        interview=interview, interviewer=actor
    )
    if scorecard.status == Scorecard.Status.SUBMITTED:
        raise InvalidTransition(entity=Scorecard._meta.verbose_name, state=scorecard.status, event="edit")
    scorecard.ratings, scorecard.recommendation, scorecard.notes = ratings, recommendation, notes
    scorecard.save(update_fields=["ratings", "recommendation", "notes", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        target=scorecard,
        candidate_id=interview.application.candidate_id,
        changed_fields=["ratings", "recommendation", "notes"],
    )
    return scorecard


# A submitted scorecard is locked: nothing leaves "submitted".
SCORECARD_TRANSITIONS = {(Scorecard.Status.DRAFT, "submit"): Scorecard.Status.SUBMITTED}


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, actor) -> Scorecard:
    """Locks the scorecard: once submitted it no longer changes."""
    if scorecard.interviewer_id != actor.pk:
        raise Forbidden(gettext("Only the interviewer who wrote a scorecard submits it."))
    # The interview's row first, as marking it held does (`interview_ended`): a submission and
    # the interview's end, committing at once, would each miss the other, and the assignment would
    # stay "awaiting my scorecard" with the scorecard in. One waits for the other instead.
    Interview.objects.select_for_update().filter(pk=scorecard.interview_id).values_list("pk").first()
    position = scorecard.interview.application.position
    errors: dict[str, list[str]] = {}
    missing = sorted(set(position.dimension_weights) - set(scorecard.ratings))
    if missing:
        named = ", ".join(position.dimension_label(key) for key in missing)
        errors["ratings"] = [
            gettext("Rate every dimension; missing: %(dimensions)s.") % {"dimensions": named}
        ]
    if not scorecard.recommendation:
        errors["recommendation"] = [gettext("Give a recommendation.")]
    if errors:
        raise ValidationFailed.naming(gettext("Incomplete scorecard: %(fields)s."), errors)
    transition(
        scorecard, table=SCORECARD_TRANSITIONS, event="submit", changes={"submitted_at": timezone.now()}
    )
    # A held interview leaves the interviewer's "awaiting my scorecard" for "done" (see
    # `workspace_place`; one still ahead stays where it is until it is held).
    InterviewAssignment.objects.filter(
        interview_id=scorecard.interview_id,
        interviewer=actor,
        interview_status=Interview.Status.COMPLETED,
    ).update(workspace_group=WorkspaceGroup.DONE, workspace_ahead_at=None)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=scorecard,
        candidate_id=scorecard.interview.application.candidate_id,
        changed_fields=["status", "submitted_at"],
    )
    # The last scorecard in completes the interview's feedback: summary and recruiters told.
    feedback_check(interview=scorecard.interview, actor=actor)
    return scorecard
