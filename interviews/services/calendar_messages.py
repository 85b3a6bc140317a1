"""The calendar messages of an interview: invitation and reminder to the candidate and each
interviewer, queued when it is scheduled, rescheduled or an interviewer is assigned."""

from datetime import UTC, datetime, timedelta

from django.conf import settings

from interviews import providers
from interviews.models import Interview
from interviews.notices import InterviewMessage
from notifications.services.outbox import notification_key, notification_queue

# Messages that announce a time: replaced on reschedule, dropped on cancel.
CALENDAR_TEMPLATES = [InterviewMessage.INVITATION, InterviewMessage.REMINDER]


def interview_recipients(interview: Interview) -> list[tuple[str, object]]:
    users = [
        a.interviewer
        for a in interview.assignments.select_related("interviewer").order_by("created_at", "pk")
    ]
    return [("candidate", interview.application.candidate), *(("user", u) for u in users)]


def recipient_fields(kind: str, who) -> dict:
    return {"candidate": who} if kind == "candidate" else {"recipient_user": who}


def practice_url(interview: Interview) -> str:
    """The provider's page for trying camera, microphone and network, for video kinds ('' if none)."""
    if interview.kind not in Interview.VIDEO_KINDS:
        return ""
    return providers.get(interview.provider).practice_url()


def calendar_messages_queue(
    interview: Interview, *, now: datetime, recipients: list | None = None, key_suffix: tuple = ()
) -> None:
    """Invitation now and reminder before the start, to the candidate and each interviewer (or
    to `recipients` only, their keys ending in `key_suffix`).

    Short notice: an interview that starts less than HRSUITE_REMINDER_MINUTES from now gets no
    reminder; its invitation goes out at once and already says it starts soon.
    """
    seq = interview.calendar_sequence
    practice = practice_url(interview)
    starts_at = interview.starts_at.astimezone(UTC).isoformat()
    lead = timedelta(minutes=settings.HRSUITE_REMINDER_MINUTES)
    remind = interview.starts_at - lead >= now
    for kind, who in interview_recipients(interview) if recipients is None else recipients:
        notification_queue(
            template=InterviewMessage.INVITATION,
            key=notification_key(InterviewMessage.INVITATION, interview.pk, seq, kind, who.pk, *key_suffix),
            due_at=now,
            interview=interview,
            payload={"starts_at": starts_at, "sequence": seq, "practice_url": practice},
            **recipient_fields(kind, who),
        )
        if remind:
            notification_queue(
                template=InterviewMessage.REMINDER,
                key=notification_key(InterviewMessage.REMINDER, interview.pk, seq, kind, who.pk, *key_suffix),
                due_at=interview.starts_at - lead,
                interview=interview,
                payload={"starts_at": starts_at, "sequence": seq},
                **recipient_fields(kind, who),
            )
