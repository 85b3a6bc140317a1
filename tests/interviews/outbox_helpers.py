"""Interviews with their queued messages, as the scheduling services leave them, for outbox tests."""

import datetime

from django.utils import timezone

from interviews.models import Interview
from interviews.notices import InterviewMessage
from interviews.services.assignments import assignment_create
from notifications.services.outbox import notification_key, notification_queue
from tests.factories import make_application, make_candidate, make_interview


def schedule(recruiter, *, starts_at=None, language="zh-hans", time_zone="Asia/Shanghai", **kwargs):
    candidate = make_candidate(recruiter, preferred_language=language, time_zone=time_zone)
    interview = make_interview(
        recruiter,
        application=make_application(recruiter, candidate=candidate),
        **kwargs,
    )
    if starts_at is not None:
        Interview.objects.filter(pk=interview.pk).update(starts_at=starts_at)
        interview.refresh_from_db()
    return interview


def announced(interview) -> dict:
    return {"starts_at": interview.starts_at.isoformat(), "sequence": interview.calendar_sequence}


def queue(
    template, interview, *, recipient=None, due_at=None, payload=None, secret_payload=None, key_suffix=""
):
    """One message about `interview` to its candidate (or to `recipient`, a user)."""
    candidate = None if recipient is not None else interview.application.candidate
    who = recipient.pk if recipient is not None else "c"
    return notification_queue(
        template=template,
        key=notification_key(template, interview.pk, who, interview.calendar_sequence, key_suffix),
        due_at=due_at or timezone.now(),
        candidate=candidate,
        recipient_user=recipient,
        interview=interview,
        payload=announced(interview) if payload is None else payload,
        secret_payload=secret_payload,
    )


def queue_reminder(interview, *, recipient=None, minutes=15):
    return queue(
        InterviewMessage.REMINDER,
        interview,
        recipient=recipient,
        due_at=interview.starts_at - datetime.timedelta(minutes=minutes),
    )


def assign(interview, interviewer, recruiter):
    return assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
