"""Closing an application (rejected, withdrawn): what was still pending for it stops.

`candidates.services.applications` calls `application_close` in the transaction of every stage
move into a closed stage, whichever path made it (a rejection decision, a withdrawal, a declined or
expired offer, a cancelled onboarding), so none of them can leave an interview or a message behind.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import CLOSED_STAGES, Application, Stage
from interviews.models import Interview, RescheduleOffer
from interviews.notices import InterviewMessage
from interviews.services.scheduling import interview_cancel
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue

# Messages that ask for, or announce, something of an open application: dropped when it closes.
# The cancellations the closing itself queues are not among them.
_PENDING_TEMPLATES = [
    InterviewMessage.INVITATION,
    InterviewMessage.REMINDER,
    InterviewMessage.RESCHEDULE_OFFER,
    InterviewMessage.PHONE_FALLBACK_OFFER,
    InterviewMessage.SCORECARD_REQUEST,
    InterviewMessage.SCORECARD_REMINDER,
]


def application_close(*, application: Application, actor) -> None:
    """Cancel the application's scheduled interviews (each invited person gets the calendar
    cancellation), end its open reschedule offers, drop its pending reminders and scorecard
    requests, and for a rejection queue the candidate's message after the delay HR set on the
    position (else HRSUITE_REJECTION_NOTICE_HOURS). Call inside the transaction that moved the
    stage."""
    if application.stage not in CLOSED_STAGES:
        raise ValueError(f"The application is {application.stage}, not closed.")
    reason = f"The application was {application.stage}."
    scheduled = Interview.objects.filter(application=application, status=Interview.Status.SCHEDULED)
    cancelled = []
    for interview in scheduled.order_by("starts_at", "pk"):
        interview_cancel(interview=interview, reason=reason, actor=actor, application_closed=True)
        cancelled.append(str(interview.pk))
    now = timezone.now()
    offers_ended = RescheduleOffer.objects.filter(
        interview__application=application, chosen_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now, updated_at=now)
    dropped = Notification.objects.filter(
        interview__application=application,
        template__in=_PENDING_TEMPLATES,
        status=Notification.Status.PENDING,
    ).update(status=Notification.Status.CANCELLED, last_error=reason, updated_at=now)
    notice = None
    if application.stage == Stage.REJECTED:
        hours = application.position.rejection_notice_hours
        if hours is None:
            hours = settings.HRSUITE_REJECTION_NOTICE_HOURS
        notice = notification_queue(
            template=InterviewMessage.APPLICATION_REJECTED,
            key=notification_key(InterviewMessage.APPLICATION_REJECTED, application.pk),
            due_at=now + timedelta(hours=hours),
            candidate=application.candidate,
            payload={"application": str(application.pk)},
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        detail={
            "event": "close",
            "stage": application.stage,
            "interviews_cancelled": cancelled,
            "reschedule_offers_ended": offers_ended,
            "messages_dropped": dropped,
            "rejection_notice": str(notice.pk) if notice is not None else "",
        },
    )
