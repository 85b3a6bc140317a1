"""Interviews and the release of their AI results to the candidate. Scheduling (time rules and
calendar messages) builds on `interview_create` in `scheduling`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application
from hrsuite.errors import ApplicationError, InvalidTransition, ValidationFailed
from hrsuite.permissions import get_for_change, require
from interviews import providers
from interviews.models import AIAssessment, Interview


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
