"""Accommodations: what a candidate asks to be changed about an interview (extra time, captions,
an evaluation by a person only, another format, something else in their words), HR's answer by a
deadline, and what a granted one changes (docs/architecture.md, "Accommodations").

The candidate asks from the portal or through their interview link, about their own scheduled
interview only; a recruiter grants or declines, HR admins read. Each step is audited; the
candidate's words and HR's answer are sealed under the candidate's key and never written to the
trail. Granting extra time lengthens the booked slot, through the same booking guard as every
move of an interview, so an interviewer is never booked twice; granting an evaluation by a person
only takes the path refused consent takes: the AI interview becomes one a person holds, and no AI
assessment is asked for nor kept.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hrsuite.permissions import LinkActor, get_for_change, has_role, require, restrict
from hrsuite.roles import Role
from hrsuite.workflow import transition
from interviews.models import Accommodation, Interview
from interviews.notices import InterviewMessage
from interviews.services.assignments import booking_conflict
from interviews.services.calendar_messages import CALENDAR_TEMPLATES, calendar_messages_queue
from interviews.services.consent import assessment_set_aside, route_to_human
from interviews.services.scheduling import MAX_DURATION, interview_transition, slot_conflicts
from notifications.services.outbox import notification_key, notification_queue, notifications_cancel

Kind, State = Accommodation.Kind, Accommodation.State

ACCOMMODATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (State.REQUESTED, "grant"): State.GRANTED,
    (State.REQUESTED, "decline"): State.DECLINED,
}
# What a candidate or HR may write: a few paragraphs.
TEXT_MAX = 2000
# Extra time a candidate may ask for, in minutes.
EXTRA_MINUTES_MIN, EXTRA_MINUTES_MAX = 5, 120
# Kinds that mean nothing without the candidate's words.
WORDS_NEEDED = (Kind.OTHER_FORMAT, Kind.OTHER)
# Why the recruiters are told, and why an AI assessment is withheld, for evaluation by a person only.
HUMAN_ONLY_REASON = "accommodation_human_only"


def answer_by_for(*, requested_at: datetime, starts_at: datetime) -> datetime:
    """HRSUITE_ACCOMMODATION_ANSWER_DAYS working days (Monday to Friday, UTC) after the request,
    and no later than the interview's start: an answer after it helps no one."""
    deadline, left = requested_at, settings.HRSUITE_ACCOMMODATION_ANSWER_DAYS
    while left > 0:
        deadline += timedelta(days=1)
        if deadline.weekday() < 5:
            left -= 1
    return min(deadline, starts_at)


def is_overdue(accommodation: Accommodation, *, now: datetime | None = None) -> bool:
    """Asked for, not answered by its deadline, and its interview still ahead (once it is held or
    cancelled, an answer helps no one: the API's `overdue` filter too)."""
    return (
        accommodation.state == State.REQUESTED
        and accommodation.answer_by < (now or timezone.now())
        and accommodation.interview.status == Interview.Status.SCHEDULED
    )


def effect_label(accommodation: Accommodation) -> str:
    """What a granted accommodation changes, as an interviewer is told it: never why."""
    if accommodation.kind == Kind.EXTRA_TIME:
        return gettext("Extra time: %(minutes)s minutes") % {"minutes": accommodation.extra_minutes}
    return str(accommodation.get_kind_display())


def human_only_granted(interview: Interview) -> bool:
    """Whether an evaluation by a person only is granted for `interview`: no AI assesses it."""
    return Accommodation.objects.filter(
        interview_id=interview.pk, kind=Kind.HUMAN_ONLY, state=State.GRANTED
    ).exists()


def _refuse(field: str, message: str, *, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]}, code=code)


# --- Asking ---------------------------------------------------------------------------------------


@transaction.atomic
def accommodation_request(
    *, interview: Interview, kind: str, extra_minutes=None, words: str = "", actor
) -> Accommodation:
    """The candidate asks for an accommodation for their own scheduled interview, signed in to
    the portal or through their interview link (a `LinkActor`); nobody asks on their behalf.

    Refusals name the field: `kind`, `extra_minutes` (extra time only, whole minutes from
    EXTRA_MINUTES_MIN to EXTRA_MINUTES_MAX), `words` (needed for another format and something
    else; at most TEXT_MAX characters), `interview` (no longer scheduled: 409). A second request
    of a kind still open or granted is a Conflict on `kind`. The recruiters are told."""
    require(actor, "add", Accommodation)
    if not isinstance(actor, LinkActor) and not has_role(actor, Role.CANDIDATE):
        raise Forbidden(gettext("Only the candidate asks for an accommodation."))
    visible = restrict(Interview.objects.filter(pk=interview.pk), user=actor)
    # Requests about one interview are serialised: the check for an open one below holds.
    interview = visible.select_for_update(of=("self",)).select_related("application__candidate").first()
    if interview is None:
        raise NotFound(gettext("Interview not found."))
    words = (words or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [gettext("Choose one of %(choices)s.") % {"choices": ", ".join(Kind.values)}]
    minutes = _minutes(kind, extra_minutes, errors)
    if kind in WORDS_NEEDED and not words:
        errors["words"] = [gettext("Say what you need.")]
    if len(words) > TEXT_MAX:
        errors["words"] = [gettext("At most %(count)d characters.") % {"count": TEXT_MAX}]
    if kind == Kind.HUMAN_ONLY and interview.kind != Interview.Kind.AI_VIDEO:
        errors["kind"] = [gettext("People assess this interview already; no AI does.")]
    if errors:
        raise ValidationFailed.naming(gettext("Invalid accommodation request: %(fields)s."), errors)
    if interview.status != Interview.Status.SCHEDULED:
        message = gettext("The interview is %(status)s: an accommodation is asked for before it.") % {
            "status": interview.get_status_display().lower()
        }
        raise Conflict(message, fields={"interview": [message]}, code="interview_not_scheduled")
    if Accommodation.objects.filter(
        interview=interview, kind=kind, state__in=(State.REQUESTED, State.GRANTED)
    ).exists():
        raise _asked_already()
    now = timezone.now()
    accommodation = Accommodation(
        interview=interview,
        kind=kind,
        extra_minutes=minutes,
        words=words,
        channel=Accommodation.Channel.LINK if isinstance(actor, LinkActor) else Accommodation.Channel.PORTAL,
        requested_at=now,
        answer_by=answer_by_for(requested_at=now, starts_at=interview.starts_at),
    )
    try:
        with transaction.atomic():
            accommodation.save(force_insert=True)
    except IntegrityError as exc:
        if "accommodation_once_per_kind" not in str(exc):
            raise
        raise _asked_already() from exc
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=accommodation,
        candidate_id=interview.application.candidate_id,
        changed_fields=["kind", "extra_minutes", "words"],
        # Never the words: they are the candidate's, sealed in the row.
        detail={
            "interview": str(interview.pk),
            "kind": kind,
            "extra_minutes": minutes,
            "channel": accommodation.channel,
            "answer_by": accommodation.answer_by.isoformat(),
        },
    )
    recruiters_notify(
        template=InterviewMessage.ACCOMMODATION_REQUESTED,
        interview=interview,
        reason=f"accommodation:{accommodation.pk}",
        extra={"accommodation": str(accommodation.pk)},
    )
    return accommodation


def _minutes(kind: str, extra_minutes, errors: dict) -> int | None:
    if kind != Kind.EXTRA_TIME:
        if extra_minutes not in (None, ""):
            errors["extra_minutes"] = [gettext("Only extra time takes minutes.")]
        return None
    try:
        minutes = int(str(extra_minutes).strip())
    except (TypeError, ValueError):
        minutes = None
    if minutes is None or not EXTRA_MINUTES_MIN <= minutes <= EXTRA_MINUTES_MAX:
        errors["extra_minutes"] = [
            gettext("Give a whole number of minutes from %(low)s to %(high)s.")
            % {"low": EXTRA_MINUTES_MIN, "high": EXTRA_MINUTES_MAX}
        ]
        return None
    return minutes


def _asked_already() -> Conflict:
    message = gettext("You have asked for this already; the recruiting team answers it.")
    return Conflict(message, fields={"kind": [message]}, code="accommodation_asked_already")


# --- Answering ------------------------------------------------------------------------------------


@transaction.atomic
def accommodation_grant(*, accommodation: Accommodation, answer: str = "", actor) -> Accommodation:
    """A recruiter grants the request, with an optional answer the candidate is sent. Extra time
    lengthens the booked slot (`_lengthen`: a slot that would overlap an interviewer's other
    booking is a Conflict, 409 `slot_taken`, on `extra_minutes`, and nothing is kept); an
    evaluation by a person only turns the AI interview into one a person holds (`_human_only`)."""
    return _answer(accommodation, event="grant", answer=answer, actor=actor)


@transaction.atomic
def accommodation_decline(*, accommodation: Accommodation, answer: str, actor) -> Accommodation:
    """A recruiter declines the request, saying why: the candidate is sent the answer."""
    return _answer(accommodation, event="decline", answer=answer, actor=actor)


def _answer(accommodation: Accommodation, *, event: str, answer: str, actor) -> Accommodation:
    require(actor, "change", Accommodation)
    accommodation = get_for_change(
        Accommodation.objects.select_related("interview__application__candidate"),
        user=actor,
        pk=accommodation.pk,
    )
    answer = (answer or "").strip()
    if event == "decline" and not answer:
        raise _refuse("answer", gettext("Say why: the candidate is told."))
    if len(answer) > TEXT_MAX:
        raise _refuse("answer", gettext("At most %(count)d characters.") % {"count": TEXT_MAX})
    effect: dict = {}
    if (accommodation.state, event) in ACCOMMODATION_TRANSITIONS:
        if event == "grant" and accommodation.kind == Kind.EXTRA_TIME:
            effect = _lengthen(accommodation, actor=actor)
        # The answer first, under the row's lock: the database holds no decline without one.
        accommodation.answer = answer
        accommodation.save(update_fields=["answer", "updated_at"])
    before = transition(
        accommodation,
        table=ACCOMMODATION_TRANSITIONS,
        event=event,
        field="state",
        changes={"decided_at": timezone.now(), "decided_by": actor if getattr(actor, "pk", None) else None},
    )
    interview = accommodation.interview
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=accommodation,
        candidate_id=interview.application.candidate_id,
        changed_fields=["state", "decided_at", "decided_by", "answer"],
        # Never the answer: it is the candidate's, sealed in the row.
        detail={
            "event": event,
            "from": before,
            "to": accommodation.state,
            "kind": accommodation.kind,
            **effect,
        },
    )
    if event == "grant" and accommodation.kind == Kind.HUMAN_ONLY:
        assessment_set_aside(interview, reason=HUMAN_ONLY_REASON, actor=actor)
        route_to_human(interview, reason=HUMAN_ONLY_REASON, actor=actor)
    notification_queue(
        template=InterviewMessage.ACCOMMODATION_ANSWERED,
        key=notification_key(InterviewMessage.ACCOMMODATION_ANSWERED, accommodation.pk),
        candidate=interview.application.candidate,
        interview=interview,
        payload={"accommodation": str(accommodation.pk)},
    )
    return accommodation


def _lengthen(accommodation: Accommodation, *, actor) -> dict:
    """The booked slot grows by the minutes granted: the interview's end moves, its assignments'
    copies with it, and everyone gets the calendar update. Refused, with nothing kept, when the
    interview is no longer scheduled (409 on `extra_minutes`), would pass MAX_DURATION (400), or
    would overlap an interviewer's other booking (409 `slot_taken`, naming them and its time), found
    by the check or, for one booked meanwhile, by the database (`bookings_guarded`)."""
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate")
        .get(pk=accommodation.interview_id)
    )
    accommodation.interview = interview
    if interview.status != Interview.Status.SCHEDULED:
        message = gettext("The interview is %(status)s: its time cannot grow any more.") % {
            "status": interview.get_status_display().lower()
        }
        raise Conflict(message, fields={"extra_minutes": [message]}, code="interview_not_scheduled")
    before = interview.duration_minutes
    after = before + accommodation.extra_minutes
    if after > MAX_DURATION:
        raise _refuse(
            "extra_minutes",
            gettext("The interview would last %(minutes)s minutes; at most %(max)s are booked.")
            % {"minutes": after, "max": MAX_DURATION},
        )
    interviewers = [a.interviewer for a in interview.assignments.select_related("interviewer")]
    conflicts = slot_conflicts(
        starts_at=interview.starts_at,
        duration_minutes=after,
        interviewers=interviewers,
        exclude_interview=interview,
    )
    if conflicts:
        raise booking_conflict(conflicts, field="extra_minutes")
    try:
        interview_transition(
            interview=interview,
            event="reschedule",
            actor=actor,
            changes={"duration_minutes": after, "calendar_sequence": interview.calendar_sequence + 1},
            detail={
                "accommodation": str(accommodation.pk),
                "duration_before": before,
                "duration_after": after,
            },
        )
    except Conflict as conflict:
        # Booked meanwhile, past the check above: refused as the check refuses it.
        raise conflict.on("extra_minutes") from conflict
    notifications_cancel(interview=interview, templates=CALENDAR_TEMPLATES)
    calendar_messages_queue(interview, now=timezone.now())
    return {"duration_before": before, "duration_after": after}
