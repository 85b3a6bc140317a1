"""After the interview: scorecard requests and reminders, and the summary once feedback is in."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from interviews.models import AIAssessment, Interview, Scorecard
from interviews.notices import InterviewMessage
from interviews.services.scheduling import INTERVIEW_TRANSITIONS, interview_transition
from notifications.services.outbox import notification_key, notification_queue, notifications_cancel


@transaction.atomic
def interview_ended(*, interview: Interview, ended_at: datetime, actor) -> Interview:
    """The provider reports the interview over. It is marked completed (once: a repeated report
    changes nothing), a pending reminder is dropped, and each assigned interviewer is asked for
    a scorecard now and reminded every HRSUITE_SCORECARD_REMINDER_HOURS, at most
    HRSUITE_SCORECARD_REMINDERS_MAX times. The reminders are queued up front; the dispatcher
    skips those of an interviewer whose scorecard is submitted by then.
    """
    interview = (
        Interview.objects.select_for_update(of=("self",)).select_related("application").get(pk=interview.pk)
    )
    if (interview.status, "completed") in INTERVIEW_TRANSITIONS:
        interview_transition(
            interview=interview, event="completed", actor=actor, changes={"ended_at": ended_at}
        )
    elif interview.status != Interview.Status.COMPLETED:
        # Cancelled, no-show or failed: nothing was held, so nobody scores it.
        return interview
    elif interview.ended_at is None:
        Interview.objects.filter(pk=interview.pk, ended_at__isnull=True).update(
            ended_at=ended_at, updated_at=timezone.now()
        )
        interview.ended_at = ended_at
        # The assignments keep the end the overdue scorecards count from (`interview_end`).
        interview.assignments.update(interview_ends_at=ended_at)
    notifications_cancel(interview=interview, templates=[InterviewMessage.REMINDER])
    ended_at = interview.ended_at
    submitted = set(
        Scorecard.objects.filter(interview=interview, status=Scorecard.Status.SUBMITTED).values_list(
            "interviewer_id", flat=True
        )
    )
    every = timedelta(hours=settings.HRSUITE_SCORECARD_REMINDER_HOURS)
    for assignment in interview.assignments.select_related("interviewer").order_by("created_at", "pk"):
        interviewer = assignment.interviewer
        if interviewer.pk in submitted:
            continue
        notification_queue(
            template=InterviewMessage.SCORECARD_REQUEST,
            key=notification_key(InterviewMessage.SCORECARD_REQUEST, interview.pk, interviewer.pk),
            recipient_user=interviewer,
            interview=interview,
            payload={"round": 0},
        )
        for round_ in range(1, settings.HRSUITE_SCORECARD_REMINDERS_MAX + 1):
            notification_queue(
                template=InterviewMessage.SCORECARD_REMINDER,
                key=notification_key(
                    InterviewMessage.SCORECARD_REMINDER, interview.pk, interviewer.pk, round_
                ),
                due_at=ended_at + every * round_,
                recipient_user=interviewer,
                interview=interview,
                payload={"round": round_},
            )
    feedback_check(interview=interview, actor=actor)
    return interview


def assessment_withheld(interview: Interview) -> bool:
    """The AI assessment is not used without both consents for this interview, nor where an
    evaluation by a person only was granted: the webhook does not store it, so feedback does not
    wait for it."""
    from interviews.services.accommodations import human_only_granted
    from interviews.services.consent import consent_complete

    return not consent_complete(interview=interview) or human_only_granted(interview)


def _feedback_complete(interview: Interview) -> bool:
    if interview.status != Interview.Status.COMPLETED and interview.ended_at is None:
        return False
    assigned = set(interview.assignments.values_list("interviewer_id", flat=True))
    submitted = set(
        Scorecard.objects.filter(interview=interview, status=Scorecard.Status.SUBMITTED).values_list(
            "interviewer_id", flat=True
        )
    )
    if not assigned <= submitted:
        return False
    if interview.kind != Interview.Kind.AI_VIDEO:
        return True
    return AIAssessment.objects.filter(interview=interview).exists() or assessment_withheld(interview)


@transaction.atomic
def feedback_check(*, interview: Interview, actor) -> bool:
    """When every assigned interviewer has submitted and the AI assessment is in (or withheld
    for want of consent; only AI interviews have one), the summary joins the candidate file:
    `summary_sent_at` is set once (compare-and-set) and every active recruiter is told.
    Returns whether this call completed it."""
    interview = Interview.objects.select_related("application").get(pk=interview.pk)
    if interview.summary_sent_at is not None or not _feedback_complete(interview):
        return False
    now = timezone.now()
    if not Interview.objects.filter(pk=interview.pk, summary_sent_at__isnull=True).update(
        summary_sent_at=now, updated_at=now
    ):
        return False
    interview.summary_sent_at = now
    scorecards = Scorecard.objects.filter(interview=interview, status=Scorecard.Status.SUBMITTED)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=interview,
        candidate_id=interview.application.candidate_id,
        changed_fields=["summary_sent_at"],
        detail={
            "event": "feedback_complete",
            "scorecards": [str(pk) for pk in scorecards.values_list("pk", flat=True)],
            "assessment": AIAssessment.objects.filter(interview=interview).exists(),
        },
    )
    recruiters_notify(
        template=InterviewMessage.FEEDBACK_COMPLETE, interview=interview, reason="feedback_complete"
    )
    return True
