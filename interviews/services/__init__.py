"""Every write to interviews, assignments (and so interviewer access), assessments, reviews and
scorecards. The interview automation lives in the submodules: `scheduling`, `outbox`, `webhooks`,
`consent`, `feedback` and `incidents`."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from guardian.shortcuts import assign_perm, remove_perm

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application
from hrsuite.errors import ApplicationError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.roles import Role
from hrsuite.workflow import transition
from interviews.models import (
    AIAssessment,
    AIDimensionScore,
    HumanReview,
    Interview,
    InterviewAssignment,
    Recommendation,
    Scorecard,
)
from interviews.services.assessments import decimal_between


@transaction.atomic
def interview_create(
    *,
    application: Application,
    kind: str,
    starts_at,
    duration_minutes: int = 45,
    provider: str = "simulated",
    actor,
) -> Interview:
    """Record an interview and create its provider meeting, without the scheduling rules or
    messages: `scheduling.interview_schedule` builds on it, and records of interviews that
    already happened (imports, the demo) use it directly."""
    from interviews import providers

    require(actor, "add", Interview)
    if kind not in Interview.Kind.values:
        raise ValidationFailed(
            gettext("Unknown interview kind."),
            fields={"kind": [gettext("Choose one of %(choices)s.") % {"choices": Interview.Kind.values}]},
        )
    if starts_at.tzinfo is None:
        raise ValidationFailed(
            gettext("Give the start time with its zone."),
            fields={"starts_at": [gettext("Time zone missing.")]},
        )
    interview = Interview(
        application=application,
        kind=kind,
        provider=provider,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        candidate_time_zone=application.candidate.time_zone,
    )
    interview.save(force_insert=True)
    if kind in Interview.VIDEO_KINDS:
        # Inside the transaction: a failure rolls the interview back with it. A meeting the
        # provider made before a later failure is left to expire on their side.
        meeting = providers.get(provider).create_meeting(interview)
        interview.provider_meeting_id, interview.join_url = meeting.meeting_id, meeting.join_url
        interview.save(update_fields=["provider_meeting_id", "join_url", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=interview,
        candidate_id=application.candidate_id,
        changed_fields=["kind", "starts_at", "duration_minutes", "provider", "join_url"],
    )
    return interview


def _grants(interview: Interview) -> list[tuple[str, object]]:
    application = interview.application
    return [
        ("interviews.view_interview", interview),
        ("candidates.view_application", application),
        ("candidates.view_candidate", application.candidate),
    ]


@transaction.atomic
def assignment_create(*, interview: Interview, interviewer, actor) -> InterviewAssignment:
    """Assigning is what gives an interviewer access: the interview, its application and its
    candidate, granted here and nowhere else. Assigned after the invitations were queued, they
    get theirs (`scheduling.assignment_invite`)."""
    require(actor, "add", InterviewAssignment)
    if not has_role(interviewer, Role.INTERVIEWER):
        raise ValidationFailed(
            gettext("Only interviewers can be assigned."),
            fields={"interviewer": [gettext("Not an interviewer.")]},
        )
    # System actors (a candidate's reschedule link, a task) are labels, not users.
    assigned_by = actor if getattr(actor, "pk", None) is not None else None
    # The interview's status and start are copied under its row lock: a status change under way
    # either commits first (and is read here) or waits, then updates this assignment too.
    status, starts_at = (
        Interview.objects.select_for_update().values_list("status", "starts_at").get(pk=interview.pk)
    )
    assignment = InterviewAssignment(
        interview=interview,
        interviewer=interviewer,
        assigned_by=assigned_by,
        interview_status=status,
        interview_starts_at=starts_at,
    )
    try:
        with transaction.atomic():
            assignment.save(force_insert=True)
    except IntegrityError as exc:
        raise ValidationFailed(
            gettext("The interviewer is assigned already."),
            fields={"interviewer": [gettext("Assigned already.")]},
        ) from exc
    candidate_id = interview.application.candidate_id
    audit_record(actor=actor, action=AuditAction.CREATE, target=assignment, candidate_id=candidate_id)
    for permission, obj in _grants(interview):
        assign_perm(permission, interviewer, obj)
        audit_record(
            actor=actor,
            action=AuditAction.PERMISSION_GRANT,
            target=obj,
            candidate_id=candidate_id,
            detail={"user": interviewer.get_username(), "permission": permission},
        )
    from interviews.services.scheduling import assignment_invite

    assignment_invite(assignment=assignment)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: InterviewAssignment, actor) -> None:
    """Unassigning revokes what the assignment granted, except what another assignment of the
    same interviewer still needs (another interview of the same application or candidate), and
    takes the interview off their calendar (`scheduling.assignment_uninvite`)."""
    require(actor, "delete", InterviewAssignment)
    interview, interviewer = assignment.interview, assignment.interviewer
    candidate_id = interview.application.candidate_id
    audit_record(actor=actor, action=AuditAction.DELETE, target=assignment, candidate_id=candidate_id)
    from interviews.services.scheduling import assignment_uninvite

    assignment_uninvite(assignment=assignment)
    assignment.delete()
    remaining = InterviewAssignment.objects.filter(interviewer=interviewer)
    still_needed = {
        "interviews.view_interview": False,
        "candidates.view_application": remaining.filter(
            interview__application=interview.application
        ).exists(),
        "candidates.view_candidate": remaining.filter(
            interview__application__candidate_id=candidate_id
        ).exists(),
    }
    for permission, obj in _grants(interview):
        if still_needed[permission]:
            continue
        remove_perm(permission, interviewer, obj)
        audit_record(
            actor=actor,
            action=AuditAction.PERMISSION_REVOKE,
            target=obj,
            candidate_id=candidate_id,
            detail={"user": interviewer.get_username(), "permission": permission},
        )


class ReleaseRefused(InvalidTransition):
    """A result that cannot be shown to the candidate yet (409), with what must happen first."""

    def __init__(self, message: str, *, state: str, code: str):
        ApplicationError.__init__(self, message, code=code)
        self.entity, self.state, self.event = AIAssessment._meta.verbose_name, state, "release"


@transaction.atomic
def interview_results_release(*, interview: Interview, actor) -> Interview:
    """Makes the AI assessment's scores visible to the candidate in their portal: once it has
    arrived and, when it was flagged for a person, once a person has reviewed it."""
    interview = get_for_change(Interview.objects, user=actor, pk=interview.pk)
    if interview.results_released_at is None:
        # Under the interview's lock: an assessment arriving meanwhile waits, then is seen here.
        assessment = AIAssessment.objects.filter(interview=interview).first()
        if assessment is None:
            raise ReleaseRefused(
                gettext("There is no AI result to release: the assessment has not arrived."),
                state="none",
                code="no_result",
            )
        if assessment.waits_for_review:
            raise ReleaseRefused(
                gettext(
                    "The AI flagged this assessment for a person: review at least one of its scores "
                    "before releasing the result."
                ),
                state="waiting_for_review",
                code="review_required",
            )
        interview.results_released_at = timezone.now()
        interview.save(update_fields=["results_released_at", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=interview, changed_fields=["results_released_at"]
        )
    return interview


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
    dimensions = set(scorecard.interview.application.position.dimension_weights)
    errors: dict[str, list[str]] = {}
    missing = sorted(dimensions - set(scorecard.ratings))
    if missing:
        errors["ratings"] = [
            gettext("Rate every dimension; missing: %(dimensions)s.") % {"dimensions": ", ".join(missing)}
        ]
    if not scorecard.recommendation:
        errors["recommendation"] = [gettext("Give a recommendation.")]
    if errors:
        raise ValidationFailed.naming(gettext("Incomplete scorecard: %(fields)s."), errors)
    transition(
        scorecard, table=SCORECARD_TRANSITIONS, event="submit", changes={"submitted_at": timezone.now()}
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=scorecard,
        candidate_id=scorecard.interview.application.candidate_id,
        changed_fields=["status", "submitted_at"],
    )
    # The last scorecard in completes the interview's feedback: summary and recruiters told.
    from interviews.services.feedback import feedback_check

    feedback_check(interview=scorecard.interview, actor=actor)
    return scorecard
