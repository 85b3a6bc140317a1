"""Turning an outbox row into an e-mail: subject and bodies from templates/emails, in the
recipient's language and time zone, with an RFC 5545 calendar file where the message is one.

Each template has `emails/<template>.<language>.txt`: the first line is the subject, then a blank
line, then the body. All strings of a language live in that language's files, so a translator reads
whole messages, not fragments. The HTML part is the same text in `emails/layout.html` (links made
clickable), so the two parts can never say different things.
"""

import hashlib
from datetime import date, datetime, timedelta
from email.mime.text import MIMEText
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from interviews.models import Interview, Notification
from interviews.services import candidate_links
from interviews.services.scheduling import zone_or_utc

LANGUAGES = ("en", "zh-hans")
# Messages that carry a calendar file, and its METHOD.
CALENDAR_METHODS = {
    Notification.Template.INVITATION: "REQUEST",
    Notification.Template.CANCELLATION: "CANCEL",
}
_WEEKDAYS_ZH = "一二三四五六日"


class MessageUnsendable(Exception):
    """The row cannot become an e-mail (no address): trying again would not help."""


def message_id(notification: Notification) -> str:
    """Stable per idempotency key: a message sent twice (worker killed after the server took it)
    carries the same Message-ID, so mail systems and the tests can tell it is one message."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@hrsuite>"


def calendar_uid(interview: Interview) -> str:
    return f"{interview.pk}@hrsuite"


def format_time(moment: datetime, *, zone: ZoneInfo, language: str) -> str:
    """`moment` in the reader's zone, with the zone's name, as a person writes it."""
    local = moment.astimezone(zone)
    if language == "zh-hans":
        return (
            f"{local.year}年{local.month}月{local.day}日（星期{_WEEKDAYS_ZH[local.weekday()]}）"  # noqa: RUF001
            f"{local:%H:%M}（{zone.key} 时间）"  # noqa: RUF001
        )
    return f"{local:%A %-d %B %Y, %H:%M} ({zone.key} time)"


def format_date(day: date, *, language: str) -> str:
    """A calendar day (start date, due date) as a person writes it, with its weekday."""
    if language == "zh-hans":
        return f"{day.year}年{day.month}月{day.day}日（星期{_WEEKDAYS_ZH[day.weekday()]}）"  # noqa: RUF001
    return f"{day:%A %-d %B %Y}"


def _public(path: str) -> str:
    return settings.HRSUITE_PUBLIC_URL.rstrip("/") + path


def _recipient(notification: Notification) -> tuple[str, str, ZoneInfo]:
    """Address, name and time zone of the one recipient, read now (not copied into the row)."""
    if notification.candidate_id:
        candidate = notification.candidate
        # The zone the interview was booked in for them, as their interview page shows it; else theirs.
        zone_name = (
            notification.interview.candidate_time_zone if notification.interview_id else ""
        ) or candidate.time_zone
        return candidate.email, candidate.full_name, zone_or_utc(zone_name)
    user = notification.recipient_user
    return user.email, user.get_full_name() or user.get_username(), zone_or_utc(user.time_zone)


def _context(notification: Notification, *, name: str, zone: ZoneInfo) -> dict:
    payload, language = notification.payload, notification.language
    context = {"name": name, "payload": payload, "to_candidate": bool(notification.candidate_id)}
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
            # Signed now, for this candidate and interview: the links are their credential.
            interview_url=candidate_links.interview_url(interview=interview),
            consent_url=candidate_links.consent_url(interview=interview),
            scorecard_url=_public(f"/workspace/interviews/{interview.pk}/scorecard/"),
            hr_interview_url=_public(f"/hr/interviews/{interview.pk}/"),
        )
    if "slots" in payload:
        context["slots"] = [
            format_time(datetime.fromisoformat(slot), zone=zone, language=language)
            for slot in payload["slots"]
        ]
    context["offer_url"] = notification.secret_payload.get("offer_url", "")
    if notification.template in (
        Notification.Template.PORTAL_INVITATION,
        Notification.Template.PORTAL_SIGN_IN_LINK,
    ):
        # The portal's welcome and sign-in links are credentials: they live in secret_payload only.
        context.update({key: notification.secret_payload.get(key, "") for key in ("portal_url", "username")})
    context.update(
        _onboarding_context(
            payload, zone=zone, language=language, to_candidate=bool(notification.candidate_id)
        )
    )
    return context


def _onboarding_context(payload: dict, *, zone: ZoneInfo, language: str, to_candidate: bool) -> dict:
    """What the offer, onboarding and HR messages name, read now from the ids in `payload`
    ("application", "offer", "plan", "task", "hr_task", "delivery"). Never the salary: an e-mail is
    forwarded, printed and kept in mailboxes the suite does not control. A candidate's links to
    their offer and onboarding pages are signed now, for them: the link is their credential."""
    from candidates.models import Application
    from onboarding.models import HRTask, Offer, OnboardingPlan, OnboardingTask, ProvisioningDelivery
    from onboarding.services import candidate_links as onboarding_links

    context: dict = {}
    application = None
    if payload.get("offer"):
        offer = (
            Offer.objects.select_related("application__candidate", "position", "decision__decided_by")
            .filter(pk=payload["offer"])
            .first()
        )
        if offer is not None:
            application = offer.application
            decider = offer.decision.decided_by
            context.update(
                offer=offer,
                start_date=format_date(offer.start_date, language=language),
                location=offer.location,
                answer_by=format_time(offer.expires_at, zone=zone, language=language),
                contact_name=decider.get_full_name() or decider.get_username(),
                contact_email=decider.email,
            )
            if to_candidate:
                context["portal_offer_url"] = onboarding_links.offer_url(offer=offer)
                plan = OnboardingPlan.objects.select_related("application").filter(offer=offer).first()
                if plan is not None:
                    context["portal_onboarding_url"] = onboarding_links.onboarding_url(plan=plan)
    if payload.get("task"):
        task = (
            OnboardingTask.objects.select_related(
                "plan__application__candidate", "plan__application__position"
            )
            .filter(pk=payload["task"])
            .first()
        )
        if task is not None:
            application = application or task.plan.application
            context.update(
                task=task,
                task_title=task.title,
                task_due=format_time(task.due_at, zone=zone, language=language),
                start_date=context.get("start_date") or format_date(task.plan.start_date, language=language),
            )
            if to_candidate:
                context["portal_onboarding_url"] = onboarding_links.onboarding_url(plan=task.plan)
    if payload.get("plan") and not payload.get("task"):
        plan = OnboardingPlan.objects.filter(pk=payload["plan"]).first()
        if plan is not None and plan.status == OnboardingPlan.Status.CANCELLED:
            # The onboarding_cancelled message: why, and no link to a page that opens nothing now.
            context["cancel_reason"] = plan.cancel_reason
            context.pop("portal_onboarding_url", None)
    if payload.get("hr_task"):
        hr_task = HRTask.objects.select_related("application").filter(pk=payload["hr_task"]).first()
        if hr_task is not None:
            application = application or hr_task.application
            context.update(
                hr_task=hr_task,
                hr_task_kind=hr_task.get_kind_display(),
                hr_task_due=(
                    format_time(hr_task.due_at, zone=zone, language=language) if hr_task.due_at else ""
                ),
                hr_task_url=_public(f"/api/hr-tasks/{hr_task.pk}/"),
            )
    if payload.get("delivery"):
        delivery = (
            ProvisioningDelivery.objects.select_related("target", "plan__application")
            .filter(pk=payload["delivery"])
            .first()
        )
        if delivery is not None:
            application = application or delivery.plan.application
            context.update(
                delivery=delivery,
                system=delivery.target.get_system_display(),
                attempts=delivery.attempts,
                deliveries_url=_public(f"/api/provisioning-deliveries/{delivery.pk}/"),
            )
    if application is None and payload.get("application"):
        application = (
            Application.objects.select_related("candidate", "position")
            .filter(pk=payload["application"])
            .first()
        )
    if application is not None:
        context.update(
            candidate_name=application.candidate.full_name,
            position=application.position.title,
            hr_application_url=_public(f"/api/applications/{application.pk}/"),
        )
    return context


def calendar_file(notification: Notification, *, email: str, name: str) -> bytes:
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


def _hr_text(notification: Notification, *, language: str, context: dict) -> str:
    """The wording HR set for this message and language (CandidateMessageText), as "subject,
    blank line, body"; '' when HR set none. Plain text, not a template: `{name}` and `{position}`
    are the only placeholders, so HR's text cannot reach anything else in the context."""
    from onboarding.models import CandidateMessageText

    if not notification.candidate_id or notification.template not in CandidateMessageText.Key.values:
        return ""
    custom = CandidateMessageText.objects.filter(key=notification.template, language=language).first()
    if custom is None:
        return ""
    fill = {"{name}": context.get("name", ""), "{position}": context.get("position", "")}
    subject, body = " ".join(custom.subject.split()), custom.body
    for placeholder, value in fill.items():
        subject, body = subject.replace(placeholder, value), body.replace(placeholder, value)
    return f"{subject}\n\n{body}" if subject else ""


def render(notification: Notification, *, connection=None) -> EmailMultiAlternatives:
    """The e-mail for one outbox row."""
    email, name, zone = _recipient(notification)
    if not email:
        raise MessageUnsendable("The recipient has no e-mail address.")
    language = notification.language if notification.language in LANGUAGES else "en"
    context = _context(notification, name=name, zone=zone)
    text = _hr_text(notification, language=language, context=context) or render_to_string(
        f"emails/{notification.template}.{language}.txt", context
    )
    subject, _, body = text.strip().partition("\n")
    html = render_to_string(
        "emails/layout.html", {"subject": subject.strip(), "body": body.strip(), "language": language}
    )
    message = EmailMultiAlternatives(
        subject=subject.strip(),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers={"Message-ID": message_id(notification), "Content-Language": language},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    method = CALENDAR_METHODS.get(notification.template)
    if method and notification.interview_id:
        # Built by hand: calendar clients read METHOD from the part's Content-Type parameters.
        part = MIMEText(calendar_file(notification, email=email, name=name).decode(), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(part)
    return message
