"""What the interviews' messages say (context, calendar file) and whether they still hold at
send time, as the notification outbox asks for them (`interviews.notices` lists the messages)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar.parser import param_value
from icalendar.prop import vText

from candidates.models import Application, Stage
from candidates.notices import application_context, application_named
from hrsuite.formatting import format_time
from interviews.models import Accommodation, Interview, InterviewAssignment, Scorecard
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
            position=application.position.title_in(language),
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
        context.update(application_context(application, language=language))
    if "accommodation" in notification.payload:
        context.update(_accommodation_context(notification, zone=zone, language=language))
    return context


def _accommodation_context(notification, *, zone: ZoneInfo, language: str) -> dict:
    """The request a message is about, read now: its kind, state and HR's answer (the candidate's
    own; the recruiters' message names none of it but the kind and the deadline, the request's
    words staying on HR's page). Rendered in the message's language, which has been activated."""
    accommodation = Accommodation.objects.filter(pk=notification.payload["accommodation"]).first()
    if accommodation is None:
        return {}
    return {
        "accommodation_kind": accommodation.get_kind_display(),
        "extra_minutes": accommodation.extra_minutes,
        "granted": accommodation.state == Accommodation.State.GRANTED,
        "declined": accommodation.state == Accommodation.State.DECLINED,
        "answer": accommodation.answer if notification.candidate_id else "",
        "answer_by": format_time(accommodation.answer_by, zone=zone, language=language),
    }


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def interview_stale_reasons(notifications) -> dict:
    """Why each message about an interview no longer holds ({pk: reason} for those that do not),
    read fresh for all of them in at most three queries."""
    about = [n for n in notifications if n.interview_id is not None]
    if not about:
        return {}
    interviews = {
        row["pk"]: row
        for row in Interview.objects.filter(pk__in={n.interview_id for n in about}).values(
            "pk", "status", "starts_at", "calendar_sequence"
        )
    }
    assigned = _pairs(
        InterviewAssignment.objects.all(),
        [n for n in about if n.template == InterviewMessage.CANCELLATION and n.payload.get("unassigned")],
    )
    submitted = _pairs(
        Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED),
        [
            n
            for n in about
            if n.template in (InterviewMessage.SCORECARD_REQUEST, InterviewMessage.SCORECARD_REMINDER)
        ],
    )
    reasons = {}
    for notification in about:
        reason = _interview_reason(
            notification, interviews.get(notification.interview_id), assigned, submitted
        )
        if reason:
            reasons[notification.pk] = reason
    return reasons


def _pairs(rows, notifications) -> set[tuple]:
    """The (interview, interviewer) pairs of `rows` among the messages' (interview, recipient)."""
    wanted = {(n.interview_id, n.recipient_user_id) for n in notifications}
    if not wanted:
        return set()
    found = rows.filter(
        interview_id__in={pair[0] for pair in wanted}, interviewer_id__in={pair[1] for pair in wanted}
    ).values_list("interview_id", "interviewer_id")
    return wanted & set(found)


def _interview_reason(notification, interview: dict | None, assigned: set, submitted: set) -> str:
    payload, template = notification.payload, notification.template
    pair = (notification.interview_id, notification.recipient_user_id)
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
        if pair in assigned:
            return "The interviewer is assigned again."
    elif template == InterviewMessage.CANCELLATION:
        if interview["status"] != Interview.Status.CANCELLED:
            return "The interview is not cancelled."
    elif (
        template in (InterviewMessage.SCORECARD_REQUEST, InterviewMessage.SCORECARD_REMINDER)
        and pair in submitted
    ):
        return "The scorecard is in."
    return ""


def interview_stale_reason(notification) -> str:
    """Why a message about an interview no longer holds ('' when it does), read fresh."""
    return interview_stale_reasons([notification]).get(notification.pk, "")


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
    removes the entry it already has when SEQUENCE goes up.

    Written line by line, with icalendar's escaping of texts and parameters: its component model
    took longer than the rest of the message's rendering (bench/README.md, "Outbox")."""
    interview = notification.interview
    method = CALENDAR_METHODS[notification.template]
    starts_at = datetime.fromisoformat(
        notification.payload.get("starts_at") or interview.starts_at.isoformat()
    )
    starts_utc = starts_at.astimezone(UTC)
    title = interview.application.position.title_in(notification.language)
    summary = f"面试：{title}" if notification.language == "zh-hans" else f"Interview: {title}"  # noqa: RUF001
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//hrsuite//interviews//EN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{_text(calendar_uid(interview))}",
        f"SEQUENCE:{int(notification.payload.get('sequence', interview.calendar_sequence))}",
        f"DTSTAMP:{_utc(notification.created_at)}",
        f"DTSTART:{_utc(starts_utc)}",
        f"DTEND:{_utc(starts_utc + timedelta(minutes=interview.duration_minutes))}",
        f"SUMMARY:{_text(summary)}",
    ]
    if interview.join_url:
        lines += [f"LOCATION:{_text(interview.join_url)}", f"URL:{interview.join_url}"]
    lines += [
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        f"ORGANIZER;CN=hrsuite:mailto:{settings.DEFAULT_FROM_EMAIL}",
        f"ATTENDEE;CN={param_value(name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{email}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_folded(line) + "\r\n" for line in lines).encode()


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545, 3.3.11)."""
    return vText(value).to_ical().decode()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _folded(line: str) -> str:
    """The content line folded into lines of at most 75 octets (RFC 5545, 3.1), never inside a
    UTF-8 character nor right after the backslash of an escape."""
    if len(line.encode()) <= 75:
        return line
    lines, current, size, limit = [], "", 0, 75
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            keep = "\\" if current.endswith("\\") else ""
            lines.append(current.removesuffix(keep))
            current, size, limit = keep, len(keep), 74  # a folded line starts with a space
        current += char
        size += octets
    lines.append(current)
    return "\r\n ".join(lines)


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
                stale_reasons=interview_stale_reasons,
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
