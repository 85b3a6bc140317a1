"""What the interviews' messages say (context, calendar file) and whether they still hold at
send time, as the notification outbox asks for them (`interviews.notices` lists the messages)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings

from candidates.models import Application, Stage
from candidates.notices import application_context, application_named
from hrsuite.formatting import format_time
from interviews.models import Interview, InterviewAssignment, Scorecard
from interviews.notices import InterviewMessage
from interviews.services import candidate_links
from notifications import registry
from notifications.rendering import public_url

# Messages that carry a calendar file, and its METHOD.
CALENDAR_METHODS = {
    InterviewMessage.INVITATION: "REQUEST",
    InterviewMessage.CANCELLATION: "CANCEL",
}


def calendar_uid(interview: Interview) -> str:
    return f"{interview.pk}@hrsuite"


def candidate_zone(notification) -> str:
    """The zone the interview was booked in for the candidate, as their interview page shows it;
    else their own."""
    return (
        notification.interview.candidate_time_zone if notification.interview_id else ""
    ) or notification.candidate.time_zone


def interview_context(notification, *, zone: ZoneInfo, language: str) -> dict:
    """What a message about an interview names, read now: its time in the reader's zone, kind,
    position, and links (the candidate's signed now, for them: the links are their credential)."""
    payload = notification.payload
    context: dict = {}
    interview = notification.interview
    if interview is not None:
        starts_at = interview.starts_at
        if "starts_at" in payload:
            starts_at = datetime.fromisoformat(payload["starts_at"])
        application = interview.application
        context.update(
            interview=interview,
            kind=interview.get_kind_display(),
            position=application.position.title,
            candidate_name=application.candidate.full_name,
            starts_at=format_time(starts_at, zone=zone, language=language),
            duration=interview.duration_minutes,
            join_url=interview.join_url,
            practice_url=payload.get("practice_url", ""),
            interview_url=candidate_links.interview_url(interview=interview),
            consent_url=candidate_links.consent_url(interview=interview),
            scorecard_url=public_url(f"/workspace/interviews/{interview.pk}/scorecard/"),
            hr_interview_url=public_url(f"/hr/interviews/{interview.pk}/"),
        )
    if "slots" in payload:
        context["slots"] = [
            format_time(datetime.fromisoformat(slot), zone=zone, language=language)
            for slot in payload["slots"]
        ]
    context["offer_url"] = notification.secret_payload.get("offer_url", "")
    return context


def _context(notification, *, zone: ZoneInfo, language: str) -> dict:
    context = interview_context(notification, zone=zone, language=language)
    application = application_named(notification.payload)
    if application is not None:
        context.update(application_context(application))
    return context


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def interview_stale_reason(notification) -> str:
    """Why a message about an interview no longer holds ('' when it does), read fresh."""
    payload, template = notification.payload, notification.template
    if notification.interview_id is None:
        return ""
    interview = (
        Interview.objects.filter(pk=notification.interview_id)
        .values("status", "starts_at", "calendar_sequence")
        .first()
    )
    if interview is None:
        return "The interview no longer exists."
    if template in (InterviewMessage.INVITATION, InterviewMessage.REMINDER):
        if interview["status"] != Interview.Status.SCHEDULED:
            return "The interview is no longer scheduled."
        if "starts_at" in payload and _parse_time(payload["starts_at"]) != interview["starts_at"]:
            return "The interview has moved."
        if "sequence" in payload and payload["sequence"] != interview["calendar_sequence"]:
            return "The invitation has been replaced."
    elif template == InterviewMessage.CANCELLATION and payload.get("unassigned"):
        assigned = InterviewAssignment.objects.filter(
            interview_id=notification.interview_id, interviewer_id=notification.recipient_user_id
        ).exists()
        if assigned:
            return "The interviewer is assigned again."
    elif template == InterviewMessage.CANCELLATION:
        if interview["status"] != Interview.Status.CANCELLED:
            return "The interview is not cancelled."
    elif template in (InterviewMessage.SCORECARD_REQUEST, InterviewMessage.SCORECARD_REMINDER):
        submitted = Scorecard.objects.filter(
            interview_id=notification.interview_id,
            interviewer_id=notification.recipient_user_id,
            status=Scorecard.Status.SUBMITTED,
        ).exists()
        if submitted:
            return "The scorecard is in."
    return ""


def _rejection_stale_reason(notification) -> str:
    stage = (
        Application.objects.filter(pk=notification.payload.get("application"))
        .values_list("stage", flat=True)
        .first()
    )
    if stage is None:
        return "The application no longer exists."
    if stage != Stage.REJECTED:
        return "The application is no longer rejected."
    return ""


def calendar_file(notification, *, email: str, name: str) -> bytes:
    """The RFC 5545 object: one VEVENT whose UID is the interview's, so a calendar updates or
    removes the entry it already has when SEQUENCE goes up."""
    interview = notification.interview
    method = CALENDAR_METHODS[notification.template]
    starts_at = datetime.fromisoformat(
        notification.payload.get("starts_at") or interview.starts_at.isoformat()
    )
    starts_utc = starts_at.astimezone(ZoneInfo("UTC"))
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//hrsuite//interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", calendar_uid(interview))
    event.add("sequence", int(notification.payload.get("sequence", interview.calendar_sequence)))
    event.add("dtstamp", notification.created_at.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", starts_utc)
    event.add("dtend", starts_utc + timedelta(minutes=interview.duration_minutes))
    title = interview.application.position.title
    event.add("summary", f"面试：{title}" if notification.language == "zh-hans" else f"Interview: {title}")  # noqa: RUF001
    if interview.join_url:
        event.add("location", interview.join_url)
        event.add("url", interview.join_url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = icalendar.vText("hrsuite")
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{email}")
    attendee.params["cn"] = icalendar.vText(name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _calendar(notification, *, email: str, name: str) -> tuple[str, bytes] | None:
    if not notification.interview_id:
        return None
    return CALENDAR_METHODS[notification.template], calendar_file(notification, email=email, name=name)


# Late if they wait behind a backlog: each is about an interview minutes or hours away.
URGENT_MESSAGES = (
    InterviewMessage.REMINDER,
    InterviewMessage.CANCELLATION,
    InterviewMessage.RESCHEDULE_OFFER,
    InterviewMessage.PHONE_FALLBACK_OFFER,
)


def register() -> None:
    registry.select_related("interview__application__candidate", "interview__application__position")
    registry.register(
        *(
            registry.MessageTemplate(
                name=message.value,
                label=message.label,
                context=_context,
                stale_reason=interview_stale_reason,
                candidate_zone=candidate_zone,
                calendar=_calendar if message in CALENDAR_METHODS else None,
                priority=registry.URGENT if message in URGENT_MESSAGES else registry.NORMAL,
            )
            for message in InterviewMessage
            if message != InterviewMessage.APPLICATION_REJECTED
        ),
        registry.MessageTemplate(
            name=InterviewMessage.APPLICATION_REJECTED.value,
            label=InterviewMessage.APPLICATION_REJECTED.label,
            context=_context,
            stale_reason=_rejection_stale_reason,
            candidate_zone=candidate_zone,
        ),
    )
