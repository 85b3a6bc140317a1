"""Technical failures and no-shows: incidents, and the new time (or phone interview) offered.

The candidate chooses through a link whose token is the credential; only the token's SHA-256 is
stored, and it is looked up by that hash, so comparing it leaks nothing through timing.
"""

import hashlib
import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from interviews.models import Incident, Interview, RescheduleOffer
from interviews.notices import InterviewMessage
from interviews.services.ai_processing import AIInterviewRefused
from interviews.services.assignments import SLOT_TAKEN
from interviews.services.calendar_messages import CALENDAR_TEMPLATES
from interviews.services.scheduling import (
    INTERVIEW_TRANSITIONS,
    busy_interviews,
    interview_schedule,
    interview_transition,
    slot_errors,
)
from notifications.services.outbox import notification_key, notification_queue, notifications_cancel

OFFER_SLOTS = 3
OFFER_VALID_FOR = timedelta(hours=72)
# Completion rate window, and how many finished interviews it needs before it is trusted.
RATE_WINDOW = timedelta(days=30)
RATE_MIN_INTERVIEWS = 10
# How far ahead slots are looked for before giving up with fewer than OFFER_SLOTS.
SLOT_SEARCH_DAYS = 30
CANDIDATE_LINK = "candidate-link"

Status = Interview.Status


class OfferExpired(ApplicationError):
    status_code = 410
    code = "expired"


class OfferUsed(ApplicationError):
    status_code = 409
    code = "offer_used"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def offer_url(token: str) -> str:
    return f"{settings.HRSUITE_PUBLIC_URL.rstrip('/')}/portal/reschedule/{token}/"


# --- Completion rate ------------------------------------------------------------------------------


def region_completion_rate(*, region: str, now: datetime | None = None) -> float | None:
    """completed / (completed + technical_issue + no_show) of the region's interviews that
    started in the last 30 days; None below RATE_MIN_INTERVIEWS finished ones (too few to judge)."""
    from interviews.selectors import completion_counts

    now = now or timezone.now()
    counts = completion_counts(since=now - RATE_WINDOW, until=now, region=region)
    finished = counts["completed"] + counts["technical_issue"] + counts["no_show"]
    if finished < RATE_MIN_INTERVIEWS:
        return None
    return counts["completed"] / finished


# --- Slots ----------------------------------------------------------------------------------------


def offer_slots(*, interview: Interview, interviewers, now: datetime | None = None) -> list[datetime]:
    """Up to OFFER_SLOTS start times on the next business days, one a day, inside the
    candidate's business hours and free for the same interviewers, never the interview's own
    time (a scheduled interview is being moved, a failed one retried). Each day tries the
    interview's local time of day first, then each whole hour from the opening."""
    now = now or timezone.now()
    candidate = interview.application.candidate
    zone = ZoneInfo(interview.candidate_time_zone or candidate.time_zone or "UTC")
    first_hour, end_hour = settings.HRSUITE_BUSINESS_HOURS
    original = interview.starts_at.astimezone(zone).time()
    times = [original, *(time(hour) for hour in range(first_hour, end_hour))]
    day = now.astimezone(zone).date()
    # The interviewers' interviews over every day searched, read once for all the tries.
    busy = busy_interviews(interviewers, now, now + timedelta(days=SLOT_SEARCH_DAYS + 2), interview)
    slots: list[datetime] = []
    for _ in range(SLOT_SEARCH_DAYS):
        day += timedelta(days=1)
        for local_time in dict.fromkeys(times):
            starts_at = datetime.combine(day, local_time, tzinfo=zone).astimezone(ZoneInfo("UTC"))
            if starts_at == interview.starts_at:
                continue
            errors = slot_errors(
                candidate=candidate,
                starts_at=starts_at,
                duration_minutes=interview.duration_minutes,
                interviewers=interviewers,
                exclude_interview=interview,
                now=now,
                busy=busy,
            )
            if not errors:
                slots.append(starts_at)
                break
        if len(slots) == OFFER_SLOTS:
            break
    return slots


def slot_gone(*, field: str) -> Conflict:
    """What a candidate is told when the time they chose is not free any more: only that, never
    whose other interview it clashes with."""
    gone = gettext("That time is no longer available.")
    return Conflict(gone, fields={field: [gone]}, code=SLOT_TAKEN)


def not_movable_by_candidate(*, field: str) -> Conflict:
    """An AI interview a registered rule keeps from the new time (a bias audit lapsed): not the
    candidate's to mend, so their page says the recruiter will be in touch, and names no rule."""
    message = gettext("This interview cannot be moved online just now; the recruiter will contact you.")
    return Conflict(message, fields={field: [message]}, code="move_not_possible")


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def incident_open(
    *, interview: Interview, kind: str, occurred_at: datetime, details: dict, actor
) -> Incident:
    """Record a technical failure or no-show reported by the provider and offer the candidate a
    way on: new slots for the same kind of interview, or a phone interview where the region's
    completion rate is below HRSUITE_COMPLETION_RATE_THRESHOLD (with at least
    RATE_MIN_INTERVIEWS finished interviews in 30 days; fewer are not a rate yet).

    The interview moves to `technical_issue` / `no_show` where the transition table allows. One
    live offer per interview: a second report while one is open adds an incident, not an offer.
    An interview that completed or was cancelled gets its incident recorded and no offer.
    """
    if kind not in Incident.Kind.values:
        raise ValidationFailed(
            gettext("Unknown incident kind."),
            fields={"kind": [gettext("Choose one of %(choices)s.") % {"choices": Incident.Kind.values}]},
        )
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__position")
        .get(pk=interview.pk)
    )
    region = interview.application.position.region
    incident = Incident(
        interview=interview,
        kind=kind,
        occurred_at=occurred_at,
        region=region,
        provider=interview.provider,
        details=details or {},
    )
    incident.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=incident,
        candidate_id=interview.application.candidate_id,
        changed_fields=["kind", "occurred_at", "details"],
    )
    # The webhook has usually moved the status already; a direct caller has not.
    if (interview.status, kind) in INTERVIEW_TRANSITIONS:
        interview_transition(interview=interview, event=kind, actor=actor)
    if interview.status not in (Status.TECHNICAL_ISSUE, Status.NO_SHOW):
        return incident
    notifications_cancel(interview=interview, templates=CALENDAR_TEMPLATES)
    now = timezone.now()
    live = RescheduleOffer.objects.filter(interview=interview, chosen_at__isnull=True, expires_at__gt=now)
    if live.exists():
        return incident

    rate = region_completion_rate(region=region, now=now)
    phone = (
        rate is not None
        and rate < settings.HRSUITE_COMPLETION_RATE_THRESHOLD
        and interview.kind != Interview.Kind.PHONE
    )
    interviewers = [a.interviewer for a in interview.assignments.select_related("interviewer")]
    slots = offer_slots(interview=interview, interviewers=interviewers, now=now)
    token = secrets.token_urlsafe(32)
    offer = RescheduleOffer(
        interview=interview,
        kind=RescheduleOffer.Kind.PHONE if phone else RescheduleOffer.Kind.RESCHEDULE,
        token_sha256=token_hash(token),
        slots=[slot.isoformat() for slot in slots],
        expires_at=now + OFFER_VALID_FOR,
    )
    offer.save(force_insert=True)
    incident.resolution = (
        Incident.Resolution.PHONE_OFFERED if phone else Incident.Resolution.RESCHEDULE_OFFERED
    )
    incident.save(update_fields=["resolution", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=offer,
        candidate_id=interview.application.candidate_id,
        changed_fields=["kind", "slots", "expires_at"],
        detail={"completion_rate": rate, "incident": str(incident.pk)},
    )
    template = InterviewMessage.PHONE_FALLBACK_OFFER if phone else InterviewMessage.RESCHEDULE_OFFER
    # The link is the only way to the offer: it travels encrypted, like personal data.
    notification_queue(
        template=template,
        key=notification_key(template, offer.pk),
        candidate=interview.application.candidate,
        interview=interview,
        payload={"slots": offer.slots},
        secret_payload={"offer_url": offer_url(token)},
    )
    return incident


def reschedule_offer_get(*, token: str) -> RescheduleOffer:
    """The offer a link names, while it can still be used; unknown 404, expired 410, used 409."""
    offer = (
        RescheduleOffer.objects.select_related("interview__application__candidate")
        .filter(token_sha256=token_hash(token or ""))
        .first()
    )
    if offer is None:
        raise NotFound(gettext("This link is not valid."))
    if offer.chosen_at is not None:
        raise OfferUsed(gettext("A time has already been chosen through this link."))
    if offer.expires_at <= timezone.now():
        raise OfferExpired(gettext("This link has expired; please contact the recruiter."))
    return offer


@transaction.atomic
def reschedule_offer_choose(*, token: str, slot: datetime, ip: str | None, user_agent: str) -> Interview:
    """The candidate picks one offered slot: a new interview (a phone interview for a phone
    offer) with the same interviewers, scheduled through `interview_schedule` so every rule and
    message applies; the incidents are marked rescheduled. No sign-in: the token is the credential.
    A slot not free any more is refused with `slot_gone` (409), which names no one."""
    offer = reschedule_offer_get(token=token)
    offer = RescheduleOffer.objects.select_for_update().get(pk=offer.pk)
    offered = {datetime.fromisoformat(s) for s in offer.slots}
    if slot.tzinfo is None or slot not in offered:
        raise ValidationFailed(
            gettext("Choose one of the offered times."),
            fields={"slot": [gettext("Not an offered time.")]},
            code="slot_not_offered",
        )
    now = timezone.now()
    if not RescheduleOffer.objects.filter(pk=offer.pk, chosen_at__isnull=True).update(
        chosen_at=now, chosen_slot=slot, updated_at=now
    ):
        raise OfferUsed(gettext("A time has already been chosen through this link."))
    failed = offer.interview
    interviewers = [a.interviewer for a in failed.assignments.select_related("interviewer")]
    try:
        interview = interview_schedule(
            application=failed.application,
            kind=Interview.Kind.PHONE if offer.kind == RescheduleOffer.Kind.PHONE else failed.kind,
            starts_at=slot,
            duration_minutes=failed.duration_minutes,
            interviewers=interviewers,
            provider=failed.provider,
            actor=CANDIDATE_LINK,
        )
    except AIInterviewRefused:
        raise not_movable_by_candidate(field="slot") from None
    except ValidationFailed:
        # The slot was free when offered but is taken now (or has passed): a conflict with what
        # happened since, not bad input. The candidate learns only that: why (whose other
        # interview it clashes with) is HR's to know.
        raise slot_gone(field="slot") from None
    # Other offers for the same interview die with this choice.
    RescheduleOffer.objects.filter(interview=failed, chosen_at__isnull=True).update(
        expires_at=now, updated_at=now
    )
    open_resolutions = [
        Incident.Resolution.OPEN,
        Incident.Resolution.RESCHEDULE_OFFERED,
        Incident.Resolution.PHONE_OFFERED,
    ]
    incidents = list(Incident.objects.filter(interview=failed, resolution__in=open_resolutions))
    Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(
        resolution=Incident.Resolution.RESCHEDULED, updated_at=now
    )
    audit_record(
        actor=CANDIDATE_LINK,
        action=AuditAction.UPDATE,
        target=offer,
        candidate_id=failed.application.candidate_id,
        changed_fields=["chosen_slot", "chosen_at"],
        detail={"new_interview": str(interview.pk), "incidents": [str(i.pk) for i in incidents]},
        # Where the candidate chose from is theirs: sealed under their key (audit.personal).
        personal={"ip": ip or "", "user_agent": (user_agent or "")[:256]},
    )
    return interview
