"""Scheduling, rescheduling and cancelling interviews, with the calendar messages each one queues.

Every time rule lives here (future, the candidate's local business hours, weekends, public
holidays of the candidate's region, interviewer overlaps), so the offer of new slots after a
technical failure (`interviews.services.incidents`) picks only times this module would accept.
"""

import functools
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from operator import itemgetter

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application, Candidate, Stage
from candidates.services.applications import application_move
from hrsuite.errors import Conflict, InvalidTransition, ValidationFailed
from hrsuite.formatting import zone_or_utc
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.roles import Role
from hrsuite.workflow import transition
from interviews import providers
from interviews.models import BUSY_STATUSES, Interview, InterviewAssignment, interview_end, workspace_place
from interviews.notices import InterviewMessage
from interviews.services.ai_processing import AIInterviewRefused, ai_interview_refused, ai_processing_withheld
from interviews.services.assignments import (
    assignment_create,
    booking_conflict,
    bookings_guarded,
    overlap_message,
)
from interviews.services.calendar_messages import (
    CALENDAR_TEMPLATES,
    calendar_messages_queue,
    interview_recipients,
    recipient_fields,
)
from interviews.services.interviews import interview_create
from notifications.services.outbox import notification_key, notification_queue, notifications_cancel

Status = Interview.Status

# The interview's status changes, as `{(state, event): new_state}` (docs/architecture.md,
# "Workflow transitions"). Anything not listed is refused with InvalidTransition (409).
# "reschedule" keeps the state but still goes through the table, so a cancelled or finished
# interview cannot be moved. The provider events
# (started, completed, technical_issue, no_show) carry the names `interviews.services.webhooks`
# gives them; its table and this one must agree. "assess" keeps the state too: it names the
# states in which an AI assessment is taken (`interviews.services.assessments`).
INTERVIEW_TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.SCHEDULED, "reschedule"): Status.SCHEDULED,
    (Status.SCHEDULED, "cancel"): Status.CANCELLED,
    (Status.SCHEDULED, "started"): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, "completed"): Status.COMPLETED,
    (Status.SCHEDULED, "technical_issue"): Status.TECHNICAL_ISSUE,
    (Status.IN_PROGRESS, "technical_issue"): Status.TECHNICAL_ISSUE,
    (Status.SCHEDULED, "no_show"): Status.NO_SHOW,
    (Status.COMPLETED, "assess"): Status.COMPLETED,
}

MIN_DURATION, MAX_DURATION = 10, 480
# Longer than any interview (MAX_DURATION): one that starts this much before another ends first.
BEYOND_ANY_INTERVIEW = timedelta(days=1)
# Stages from which an interview may still be scheduled.
SCHEDULABLE_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING)


# --- Time rules -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _holiday_calendar(region: str, year: int):
    """Public holidays of a region code like "CN", "US-IL" or "DE-BE", or None when the
    `holidays` package does not know it. An unknown region gets no holiday check (weekends and
    business hours still apply): refusing every date would block scheduling altogether."""
    country, _, subdiv = region.upper().partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    except NotImplementedError:
        return None


def holiday_name(region: str, day: date) -> str | None:
    calendar = _holiday_calendar(region or "", day.year)
    return calendar.get(day) if calendar is not None else None


# The calendar ends with the year 9999: a start in it leaves no room for the interview's end.
LAST_YEAR = 9999


def slot_errors(
    *,
    candidate: Candidate,
    starts_at: datetime,
    duration_minutes: int,
    interviewers: Iterable = (),
    exclude_interview: Interview | None = None,
    now: datetime | None = None,
    busy: list[tuple[str, datetime, datetime]] | None = None,
) -> dict[str, list[str]]:
    """Why an interview cannot take place at `starts_at`, per field; empty when it can.

    `busy`: the interviewers' other interviews over a span holding this slot, from
    `busy_interviews` (in time order), for a caller that tries many slots in one span; given,
    it stands for `interviewers` and `exclude_interview`, which are then not read again."""
    errors: dict[str, list[str]] = {}
    now = now or timezone.now()
    if starts_at.tzinfo is None:
        return {"starts_at": [gettext("Give the start time with its time zone.")]}
    # Nothing else is worth checking for a start that cannot be booked; near either end of the
    # calendar (year 1, year 9999) the checks below would even run past it.
    if starts_at <= now:
        return {"starts_at": [gettext("The start time must be in the future.")]}
    if starts_at.year >= LAST_YEAR:
        return {"starts_at": [gettext("Give a start time before the year %(year)s.") % {"year": LAST_YEAR}]}
    zone = zone_or_utc(candidate.time_zone)
    local_start = starts_at.astimezone(zone)
    # Adding in UTC and converting back keeps the end right across a DST change.
    local_end = (starts_at + timedelta(minutes=duration_minutes)).astimezone(zone)
    first_hour, end_hour = settings.HRSUITE_BUSINESS_HOURS
    opens = local_start.replace(hour=first_hour, minute=0, second=0, microsecond=0)
    closes = local_start.replace(hour=end_hour, minute=0, second=0, microsecond=0)
    if not (opens <= local_start and local_end <= closes):
        errors.setdefault("starts_at", []).append(
            gettext(
                "%(start)s to %(end)s in the candidate's time zone (%(zone)s) is outside business "
                "hours %(opens)s to %(closes)s; the whole interview must fit inside."
            )
            % {
                "start": f"{local_start:%Y-%m-%d %H:%M}",
                "end": f"{local_end:%H:%M}",
                "zone": candidate.time_zone,
                "opens": f"{first_hour:02d}:00",
                "closes": f"{end_hour:02d}:00",
            }
        )
    if local_start.weekday() >= 5:
        errors.setdefault("starts_at", []).append(
            gettext("%(date)s is a %(weekday)s in the candidate's time zone.")
            % {"date": f"{local_start:%Y-%m-%d}", "weekday": WEEKDAYS[local_start.weekday()]}
        )
    holiday = holiday_name(candidate.region, local_start.date())
    if holiday:
        errors.setdefault("starts_at", []).append(
            gettext("%(date)s is a public holiday in %(region)s: %(holiday)s.")
            % {"date": f"{local_start:%Y-%m-%d}", "region": candidate.region, "holiday": holiday}
        )
    conflicts = slot_conflicts(
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        interviewers=interviewers,
        exclude_interview=exclude_interview,
        busy=busy,
    )
    if conflicts:
        errors["interviewers"] = conflicts
    return errors


def slot_conflicts(
    *,
    starts_at: datetime,
    duration_minutes: int,
    interviewers: Iterable = (),
    exclude_interview: Interview | None = None,
    busy: list[tuple[str, datetime, datetime]] | None = None,
) -> list[str]:
    """Which of `interviewers` have another busy interview overlapping the slot, one message
    each naming the interviewer and that interview's start; empty when all are free. The check
    before a booking's write (the database refuses what passes it meanwhile: `bookings_guarded`);
    `busy` as for `slot_errors`."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    if busy is None:
        busy = busy_interviews(interviewers, starts_at, ends_at, exclude_interview)
    # `busy` is in time order: only those starting from BEYOND_ANY_INTERVIEW before this one up
    # to its end can overlap it.
    first = bisect_left(busy, starts_at - BEYOND_ANY_INTERVIEW, key=itemgetter(1))
    last = bisect_left(busy, ends_at, lo=first, key=itemgetter(1))
    return [
        overlap_message(name, other_start)
        for name, other_start, other_end in busy[first:last]
        if other_end > starts_at
    ]


def busy_interviews(
    interviewers, starts_at: datetime, ends_at: datetime, exclude_interview: Interview | None
) -> list[tuple[str, datetime, datetime]]:
    """(user name, start, end) of each busy interview of `interviewers` that overlaps
    `starts_at`..`ends_at`, in time order: one query for a span of any length."""
    interviewers = list(interviewers)
    if not interviewers:
        return []
    # Candidates by start time in the database (none lasts BEYOND_ANY_INTERVIEW), exact overlap
    # with each one's own duration in Python. The assignments' copies of their
    # interview's status and start (kept with it by `interview_transition`) are filtered on, so
    # the interviewers' own index finds the span: a month of one interviewer's schedule is a few
    # hundred of its entries, where the interviews' index holds everyone's.
    nearby = InterviewAssignment.objects.filter(
        interviewer__in=interviewers,
        interview_status__in=BUSY_STATUSES,
        interview_starts_at__lt=ends_at,
        interview_starts_at__gt=starts_at - BEYOND_ANY_INTERVIEW,
    ).order_by("interview_starts_at")
    if exclude_interview is not None:
        nearby = nearby.exclude(interview=exclude_interview)
    rows = nearby.values_list(
        f"interviewer__{User.USERNAME_FIELD}", "interview_starts_at", "interview__duration_minutes"
    )
    busy = []
    for name, start, minutes in rows:
        end = start + timedelta(minutes=minutes)
        if end > starts_at:
            busy.append((name, start, end))
    return busy


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed.naming(gettext("Cannot schedule: %(fields)s."), errors)


def _raise_if_booked(conflicts: list[str], *, field: str) -> None:
    if conflicts:
        raise booking_conflict(conflicts, field=field)


# --- Status changes -------------------------------------------------------------------------------


def assignments_follow(interview: Interview) -> None:
    """Copies the interview's status, start and end onto its assignments, and each one's place in
    its interviewer's workspace (`workspace_place`): the workspace pages and counts along the
    assignments' index, and the database refuses overlapping bookings on them (see
    `InterviewAssignment`). A move onto an interviewer's other interview is refused as the
    scheduling check refuses it, on `starts_at`, the time that moved."""
    with bookings_guarded(interview=interview, field="starts_at"):
        interview.assignments.update(
            interview_status=interview.status,
            interview_starts_at=interview.starts_at,
            interview_ends_at=interview_end(
                status=interview.status,
                starts_at=interview.starts_at,
                minutes=interview.duration_minutes,
                ended_at=interview.ended_at,
            ),
            **workspace_place(status=interview.status, starts_at=interview.starts_at),
        )


def interview_transition(
    *,
    interview: Interview,
    event: str,
    actor,
    changes: dict | None = None,
    detail: dict | None = None,
    personal: dict | None = None,
) -> Interview:
    """Apply one event of INTERVIEW_TRANSITIONS with a compare-and-set update (status and
    calendar sequence must be what the caller read), plus the audit event (with `detail`, and
    the candidate's `personal` values, see `audit_record`). Call inside a transaction; raises
    InvalidTransition when the table or a concurrent writer says no."""
    changes = dict(changes or {})
    current = transition(
        interview,
        table=INTERVIEW_TRANSITIONS,
        event=event,
        expect={"calendar_sequence": interview.calendar_sequence},
        changes=changes,
    )
    assignments_follow(interview)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=interview,
        candidate_id=interview.application.candidate_id,
        changed_fields=["status", *changes],
        detail={"event": event, "from": current, "to": interview.status, **(detail or {})},
        personal=personal,
    )
    return interview


# --- Services -------------------------------------------------------------------------------------


def _refuse_if_ai_refused(application, *, provider: str, field: str) -> None:
    """A rule a higher app registered (a bias audit the region requires) refusing an AI interview
    of `provider` for `application`: AIInterviewRefused (409 with its code) on `field`."""
    if refusal := ai_interview_refused(application=application, provider=provider):
        code, message = refusal
        raise AIInterviewRefused(message, fields={field: [message]}, code=code)


@transaction.atomic
def interview_schedule(
    *,
    application: Application,
    kind: str,
    starts_at: datetime,
    duration_minutes: int = 45,
    interviewers: Iterable = (),
    provider: str = "simulated",
    actor,
) -> Interview:
    """Schedule an interview: validate the time, create the provider's meeting, assign the
    interviewers (which grants their access), and queue invitations and reminders.

    Each refusal names its field: `kind` (also an AI interview of a candidate whose data AI may
    not process, `interviews.services.ai_processing`), `duration_minutes`, `provider`, `application`,
    `starts_at` (past, outside the candidate's local business hours, weekend, public holiday of
    the candidate's region), `interviewers` (not an interviewer). An interviewer busy at that
    time is a Conflict (409, `slot_taken`) on `interviewers`, whether this check or the database
    (a booking committed meanwhile) finds it.

    Reminders are due HRSUITE_REMINDER_MINUTES before `starts_at`. Short-notice rule: an
    interview scheduled less than that lead time ahead gets no reminder at all; its invitation
    goes out immediately and already says it starts soon, so a second message a minute later
    would be noise.
    """
    require(actor, "add", Interview)
    interviewers = list(dict.fromkeys(interviewers))
    candidate = application.candidate
    errors: dict[str, list[str]] = {}
    if kind not in Interview.Kind.values:
        errors["kind"] = [
            gettext("Choose one of %(choices)s.") % {"choices": ", ".join(Interview.Kind.values)}
        ]
    elif kind == Interview.Kind.AI_VIDEO and ai_processing_withheld(candidate.pk):
        errors["kind"] = [
            gettext("The candidate asked that no AI process their data: choose an interview a person holds.")
        ]
    if not isinstance(duration_minutes, int) or not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = [
            gettext("Give a whole number of minutes from %(low)s to %(high)s.")
            % {"low": MIN_DURATION, "high": MAX_DURATION}
        ]
        duration_minutes = MIN_DURATION
    if provider not in providers.names():
        errors["provider"] = [
            gettext("Choose one of %(choices)s.") % {"choices": ", ".join(providers.names())}
        ]
    if application.stage not in SCHEDULABLE_STAGES:
        errors["application"] = [
            gettext("The application is %(stage)s.") % {"stage": application.get_stage_display().lower()}
        ]
    for user in interviewers:
        if not has_role(user, Role.INTERVIEWER) or not user.is_active:
            errors.setdefault("interviewers", []).append(
                gettext("%(name)s is not an active interviewer.") % {"name": user.get_username()}
            )
    for field, messages in slot_errors(
        candidate=candidate, starts_at=starts_at, duration_minutes=duration_minutes
    ).items():
        errors.setdefault(field, []).extend(messages)
    _raise_if(errors)
    if kind == Interview.Kind.AI_VIDEO:
        _refuse_if_ai_refused(application, provider=provider, field="kind")
    _raise_if_booked(
        slot_conflicts(starts_at=starts_at, duration_minutes=duration_minutes, interviewers=interviewers),
        field="interviewers",
    )

    interview = interview_create(
        application=application,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        provider=provider,
        actor=actor,
    )

    try:
        for user in interviewers:
            assignment_create(interview=interview, interviewer=user, actor=actor)
    except Conflict as conflict:
        # Booked meanwhile, past the check above: refused as the check refuses it.
        raise conflict.on("interviewers") from conflict
    if application.stage != Stage.INTERVIEWING and getattr(actor, "pk", None) is not None:
        # The application timeline records that interviewing began (a person's action only:
        # a stage change names the user who made it).
        application_move(application=application, event="interview", actor=actor)
    calendar_messages_queue(interview, now=timezone.now())
    return interview


@transaction.atomic
def interview_reschedule(*, interview: Interview, starts_at: datetime, actor) -> Interview:
    """Move a scheduled interview: same checks as scheduling (it does not overlap itself), a new
    calendar sequence, and the pending invitation and reminder rows replaced by new ones, so the
    reminder moves with the interview and is still sent once. A time an interviewer is busy at
    is a Conflict (409, `slot_taken`) on `starts_at`, and nothing of the move is kept."""
    interview = get_for_change(
        Interview.objects.select_related("application__candidate"), user=actor, pk=interview.pk
    )
    if (interview.status, "reschedule") not in INTERVIEW_TRANSITIONS:
        raise InvalidTransition(
            entity=Interview._meta.verbose_name, state=interview.status, event="reschedule"
        )
    _raise_if(
        slot_errors(
            candidate=interview.application.candidate,
            starts_at=starts_at,
            duration_minutes=interview.duration_minutes,
        )
    )
    if interview.kind == Interview.Kind.AI_VIDEO:
        # Moving an AI interview uses the tool on the new day: the same rules as scheduling it.
        _refuse_if_ai_refused(interview.application, provider=interview.provider, field="starts_at")
    interviewers = [a.interviewer for a in interview.assignments.select_related("interviewer")]
    _raise_if_booked(
        slot_conflicts(
            starts_at=starts_at,
            duration_minutes=interview.duration_minutes,
            interviewers=interviewers,
            exclude_interview=interview,
        ),
        field="starts_at",
    )
    previous = interview.starts_at
    interview_transition(
        interview=interview,
        event="reschedule",
        actor=actor,
        changes={"starts_at": starts_at, "calendar_sequence": interview.calendar_sequence + 1},
        detail={"starts_at_before": previous.isoformat(), "starts_at_after": starts_at.isoformat()},
    )
    notifications_cancel(interview=interview, templates=CALENDAR_TEMPLATES)
    calendar_messages_queue(interview, now=timezone.now())
    return interview


@transaction.atomic
def interview_cancel(
    *, interview: Interview, reason: str, actor, application_closed: bool = False
) -> Interview:
    """Cancel a scheduled interview: pending invitations and reminders are dropped, and the
    candidate and each interviewer get a cancellation (METHOD:CANCEL with the raised sequence).
    `application_closed`: cancelled because the application closed, which the candidate's
    message then does not call open."""
    interview = get_for_change(
        Interview.objects.select_related("application__candidate"), user=actor, pk=interview.pk
    )
    if not (reason or "").strip():
        raise ValidationFailed(
            gettext("Say why the interview is cancelled."), fields={"reason": [gettext("Give a reason.")]}
        )
    interview_transition(
        interview=interview,
        event="cancel",
        actor=actor,
        changes={"calendar_sequence": interview.calendar_sequence + 1},
        personal={"reason": reason},
    )
    notifications_cancel(interview=interview, templates=CALENDAR_TEMPLATES)
    seq = interview.calendar_sequence
    for kind, who in interview_recipients(interview):
        notification_queue(
            template=InterviewMessage.CANCELLATION,
            key=notification_key(InterviewMessage.CANCELLATION, interview.pk, seq, kind, who.pk),
            interview=interview,
            payload={"sequence": seq, **({"application_closed": True} if application_closed else {})},
            **recipient_fields(kind, who),
        )
    adapter = _adapter(interview.provider)
    if adapter is not None:
        # After commit: the provider is told only once the cancellation is certain.
        transaction.on_commit(lambda: adapter.cancel_meeting(interview))
    return interview


def _adapter(name: str):
    try:
        return providers.get(name)
    except LookupError:
        return None
