"""Assignments, and so interviewer access: granted when an interviewer is assigned, revoked when
they are unassigned, with the calendar messages each one gets."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm, remove_perm

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import Conflict, ValidationFailed
from hrsuite.permissions import has_role, require
from hrsuite.roles import Role
from interviews.models import (
    BOOKING_OVERLAP,
    BUSY_STATUSES,
    Interview,
    InterviewAssignment,
    Scorecard,
    interview_end,
    workspace_place,
)
from interviews.notices import InterviewMessage
from interviews.services.calendar_messages import CALENDAR_TEMPLATES, calendar_messages_queue
from notifications.models import Notification
from notifications.services.outbox import notification_key, notification_queue

Status = Interview.Status


def _grants(interview: Interview) -> list[tuple[str, object]]:
    application = interview.application
    return [
        ("interviews.view_interview", interview),
        ("candidates.view_application", application),
        ("candidates.view_candidate", application.candidate),
    ]


# The code of every refusal of a booking that clashes with another one, from the check before
# the write or from the database: pages choose their message by it.
SLOT_TAKEN = "slot_taken"


def booking_conflict(messages: list[str], *, field: str) -> Conflict:
    """The refusal (409) of a booking that clashes with an interviewer's other one, named after
    `field`, the argument the caller sent: the same whether the check before the write or the
    database found the clash."""
    return Conflict(" ".join(messages), fields={field: messages}, code=SLOT_TAKEN)


@contextmanager
def bookings_guarded(*, interview: Interview, field: str, interviewers: list | None = None) -> Iterator[None]:
    """Runs a write that books `interview`'s interviewers (its assignments, or `interviewers`
    about to be assigned) in a savepoint, and turns the database's refusal of an overlapping
    busy booking (BOOKING_OVERLAP: one committed meanwhile, past any check before the write)
    into `booking_conflict` on `field`, naming the interviewer and the other booking's time; the
    caller's transaction stays usable. Every write that books an interviewer goes through it
    (docs/architecture.md, "Invariants in the database")."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if BOOKING_OVERLAP not in str(exc):
            raise
        raise booking_conflict(_overlap_messages(interview, interviewers), field=field) from exc


def _overlap_messages(interview: Interview, interviewers: list | None) -> list[str]:
    # Read again: the time being booked is the one the caller's transaction wrote.
    starts_at, minutes = Interview.objects.values_list("starts_at", "duration_minutes").get(pk=interview.pk)
    ends_at = starts_at + timedelta(minutes=minutes)
    if interviewers is None:
        interviewers = [a.interviewer for a in interview.assignments.select_related("interviewer")]
    messages = []
    for user in interviewers:
        other = (
            InterviewAssignment.objects.filter(
                interviewer=user,
                interview_status__in=BUSY_STATUSES,
                interview_starts_at__lt=ends_at,
                interview_ends_at__gt=starts_at,
            )
            .exclude(interview=interview)
            .order_by("interview_starts_at")
            .values_list("interview_starts_at", flat=True)
            .first()
        )
        if other is not None:
            messages.append(overlap_message(user.get_username(), other))
    if not messages:
        # The other booking was cancelled since it was refused: still no second booking.
        messages = [
            gettext("%(name)s has another interview at that time.")
            % {"name": ", ".join(user.get_username() for user in interviewers)}
        ]
    return messages


def overlap_message(name: str, other_start: datetime) -> str:
    return gettext("%(name)s has another interview at %(start)s UTC that overlaps.") % {
        "name": name,
        "start": f"{other_start:%Y-%m-%d %H:%M}",
    }


@transaction.atomic
def assignment_create(*, interview: Interview, interviewer, actor) -> InterviewAssignment:
    """Assigning is what gives an interviewer access: the interview, its application and its
    candidate, granted here and nowhere else. Assigned after the invitations were queued, they
    get theirs (`assignment_invite`)."""
    require(actor, "add", InterviewAssignment)
    if not has_role(interviewer, Role.INTERVIEWER):
        raise ValidationFailed(
            gettext("Only interviewers can be assigned."),
            fields={"interviewer": [gettext("Not an interviewer.")]},
        )
    # System actors (a candidate's reschedule link, a task) are labels, not users.
    assigned_by = actor if getattr(actor, "pk", None) is not None else None
    # The interview's status and times are copied under its row lock: a status change under way
    # either commits first (and is read here) or waits, then updates this assignment too.
    status, starts_at, minutes, ended_at = (
        Interview.objects.select_for_update()
        .values_list("status", "starts_at", "duration_minutes", "ended_at")
        .get(pk=interview.pk)
    )
    assignment = InterviewAssignment(
        interview=interview,
        interviewer=interviewer,
        assigned_by=assigned_by,
        interview_status=status,
        interview_starts_at=starts_at,
        interview_ends_at=interview_end(
            status=status, starts_at=starts_at, minutes=minutes, ended_at=ended_at
        ),
        # Held, it is done for an interviewer who submitted their scorecard before (assigned,
        # unassigned and assigned again), else it awaits it.
        **workspace_place(
            status=status, starts_at=starts_at, submitted=_submitted(interview, interviewer, status)
        ),
    )
    try:
        with bookings_guarded(interview=interview, field="interviewer", interviewers=[interviewer]):
            assignment.save(force_insert=True)
    except IntegrityError as exc:
        raise ValidationFailed(
            gettext("The interviewer is assigned already."),
            fields={"interviewer": [gettext("Assigned already.")]},
        ) from exc
    candidate_id = interview.application.candidate_id
    audit_record(actor=actor, action=AuditAction.CREATE, target=assignment, candidate_id=candidate_id)
    for permission, obj in _grants(interview):
        assign_perm(permission, interviewer, obj)
        audit_record(
            actor=actor,
            action=AuditAction.PERMISSION_GRANT,
            target=obj,
            candidate_id=candidate_id,
            detail={"user": interviewer.get_username(), "permission": permission},
        )
    assignment_invite(assignment=assignment)
    return assignment


def _submitted(interview: Interview, interviewer, status: str) -> bool:
    """Whether `interviewer` submitted their scorecard of `interview`, asked only once it is held."""
    if status != Status.COMPLETED:
        return False
    return Scorecard.objects.filter(
        interview=interview, interviewer=interviewer, status=Scorecard.Status.SUBMITTED
    ).exists()


@transaction.atomic
def assignment_delete(*, assignment: InterviewAssignment, actor) -> None:
    """Unassigning revokes what the assignment granted, except what another assignment of the
    same interviewer still needs (another interview of the same application or candidate), and
    takes the interview off their calendar (`assignment_uninvite`)."""
    require(actor, "delete", InterviewAssignment)
    interview, interviewer = assignment.interview, assignment.interviewer
    candidate_id = interview.application.candidate_id
    audit_record(actor=actor, action=AuditAction.DELETE, target=assignment, candidate_id=candidate_id)
    assignment_uninvite(assignment=assignment)
    assignment.delete()
    remaining = InterviewAssignment.objects.filter(interviewer=interviewer)
    still_needed = {
        "interviews.view_interview": False,
        "candidates.view_application": remaining.filter(
            interview__application=interview.application
        ).exists(),
        "candidates.view_candidate": remaining.filter(
            interview__application__candidate_id=candidate_id
        ).exists(),
    }
    for permission, obj in _grants(interview):
        if still_needed[permission]:
            continue
        remove_perm(permission, interviewer, obj)
        audit_record(
            actor=actor,
            action=AuditAction.PERMISSION_REVOKE,
            target=obj,
            candidate_id=candidate_id,
            detail={"user": interviewer.get_username(), "permission": permission},
        )


def assignment_invite(*, assignment: InterviewAssignment) -> None:
    """An interviewer assigned once the interview's invitations were queued gets theirs, and the
    reminder, as the others did (an assignment made while scheduling is in the first round)."""
    # Read again: the caller's copy may predate a reschedule (a new time and sequence).
    interview = Interview.objects.get(pk=assignment.interview_id)
    announced = Notification.objects.filter(interview=interview, template=InterviewMessage.INVITATION)
    if (
        interview.status != Status.SCHEDULED
        or not announced.exclude(status=Notification.Status.CANCELLED).exists()
    ):
        return
    calendar_messages_queue(
        interview,
        now=timezone.now(),
        recipients=[("user", assignment.interviewer)],
        key_suffix=(assignment.pk,),
    )


def assignment_uninvite(*, assignment: InterviewAssignment) -> None:
    """An interviewer removed from a scheduled interview: their pending invitation and reminder
    are dropped and, if their invitation went out, they get a cancellation (METHOD:CANCEL) that
    removes the interview from their calendar."""
    interview, interviewer = Interview.objects.get(pk=assignment.interview_id), assignment.interviewer
    if interview.status != Status.SCHEDULED:
        return
    theirs = Notification.objects.filter(
        interview=interview, recipient_user=interviewer, template__in=CALENDAR_TEMPLATES
    )
    invited = theirs.filter(
        template=InterviewMessage.INVITATION,
        status__in=[Notification.Status.SENT, Notification.Status.SENDING],
    ).exists()
    theirs.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.CANCELLED, last_error="Unassigned.", updated_at=timezone.now()
    )
    if invited:
        seq = interview.calendar_sequence
        notification_queue(
            template=InterviewMessage.CANCELLATION,
            key=notification_key(
                InterviewMessage.CANCELLATION, interview.pk, seq, "user", interviewer.pk, assignment.pk
            ),
            interview=interview,
            payload={"sequence": seq, "unassigned": True},
            recipient_user=interviewer,
        )
