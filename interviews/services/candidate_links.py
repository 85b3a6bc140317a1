"""The candidate's e-mail links as credentials: the signed consent and interview links, and the
page reads and decisions made through them and through the reschedule link.

Candidates have no account yet when the invitation goes out, so the link itself authorises: the
consent link and the interview link are `django.core.signing` tokens over {interview, candidate},
each under its own salt, made when the e-mail is rendered and stored nowhere. Each is valid for its
max age; a tampered token, one signed for the other link, one for an interview that is gone, or one
whose candidate no longer owns the interview opens nothing. The actor of everything done through a
link is a `hrsuite.permissions.LinkActor` naming the candidate and the link (in the audit trail:
`candidate-link:<candidate id>`): the permission functions hold it to its own candidate's objects
and to what its link may do, in the services it calls as everywhere else. The generic part
(SignedLink, `link_sign`, `link_resolve`) also carries the offer and onboarding links
(`onboarding.services.candidate_links`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from hrsuite.errors import ApplicationError, NotFound, ValidationFailed
from hrsuite.links import (
    SignedLink,
    link_actor,
    link_address,
    link_resolve,
    link_sign,
    payload_uuid,
)
from hrsuite.permissions import get_for_change
from interviews.models import Consent, ConsentNotice, Interview, RescheduleOffer
from interviews.selectors import interview_accommodations_for
from interviews.services import consent as consent_services
from interviews.services import scheduling as scheduling_services
from interviews.services.ai_processing import AIInterviewRefused
from interviews.services.calendar_messages import practice_url
from interviews.services.incidents import (
    not_movable_by_candidate,
    offer_slots,
    reschedule_offer_get,
    slot_gone,
    token_hash,
)

# Each link has its own salt: a signature made for anything else in the project (the other link
# included) never opens it.
CONSENT_LINK_SALT = "hrsuite.interviews.consent-link"
INTERVIEW_LINK_SALT = "hrsuite.interviews.interview-link"
# Long enough for an interview booked weeks ahead, and for withdrawing after it.
CONSENT_LINK_MAX_AGE = timedelta(days=30)
# The same span: the reminder and every reschedule's invitation carry a fresh link, so the one the
# candidate last received works until the interview.
INTERVIEW_LINK_MAX_AGE = timedelta(days=30)


CONSENT_LINK = SignedLink(salt=CONSENT_LINK_SALT, max_age=CONSENT_LINK_MAX_AGE, page="consent")
INTERVIEW_LINK = SignedLink(salt=INTERVIEW_LINK_SALT, max_age=INTERVIEW_LINK_MAX_AGE, page="interviews")


def link_token(link: SignedLink, *, interview: Interview) -> str:
    """A fresh signed token for the candidate of `interview` (timestamped now)."""
    payload = {"i": str(interview.pk), "c": str(interview.application.candidate_id)}
    return link_sign(link, payload=payload)


def link_url(link: SignedLink, *, interview: Interview) -> str:
    return link_address(link, token=link_token(link, interview=interview))


def _interview_for(payload) -> Interview:
    """The interview a genuine payload names, if its candidate still owns it."""
    interview_id = payload_uuid(payload, "i")
    interview = (
        Interview.objects.select_related("application__candidate", "application__position")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None or str(interview.application.candidate_id) != payload.get("c"):
        raise NotFound(gettext("This link is not valid."))
    return interview


def link_open(link: SignedLink, *, token: str) -> Interview:
    """The interview a signed link opens (404 / 410 as `link_resolve`)."""
    return link_resolve(
        link,
        token=token,
        resolve=_interview_for,
        language_of=lambda interview: interview.application.candidate.preferred_language,
    )


# --- The consent link -----------------------------------------------------------------------------


def consent_token(*, interview: Interview) -> str:
    return link_token(CONSENT_LINK, interview=interview)


def consent_url(*, interview: Interview) -> str:
    return link_url(CONSENT_LINK, interview=interview)


def consent_link_open(*, token: str) -> Interview:
    return link_open(CONSENT_LINK, token=token)


def consent_page_read(*, token: str) -> tuple[Interview, ConsentNotice, dict[str, str | None]]:
    """What the consent page shows: the interview, the current notice in the candidate's
    language and their decisions so far; the read is in the audit trail."""
    interview = consent_link_open(token=token)
    candidate = interview.application.candidate
    notice = consent_services.notice_current(language=candidate.preferred_language)
    state = consent_services.consent_state(interview=interview)
    audit_record(
        actor=link_actor(candidate.pk, link="consent"),
        action=AuditAction.VIEW,
        target=notice,
        candidate_id=candidate.pk,
        detail={
            "page": "consent",
            "interview": str(interview.pk),
            "notice_version": notice.version,
            "notice_language": notice.language,
            "consents": state,
        },
    )
    return interview, notice, state


@transaction.atomic
def consent_decide_by_link(*, token: str, decisions: dict[str, str], notice_version: str) -> list[Consent]:
    """The candidate's decisions ({scope: decision}, one or both scopes) through their consent
    link, all or none, each stored by `consent_save` like a decision made in the portal."""
    interview = consent_link_open(token=token)
    candidate = interview.application.candidate
    if not decisions:
        raise ValidationFailed(
            gettext("Choose at least one answer."),
            fields={"decisions": [gettext("Required.")]},
            code="answer_required",
        )
    unknown = sorted(set(decisions) - set(consent_services.SCOPES))
    if unknown:
        raise ValidationFailed(
            gettext("Unknown consent."),
            fields={"scope": [gettext("Unknown: %(names)s.") % {"names": ", ".join(unknown)}]},
            code="unknown_consent",
        )
    current = consent_services.notice_current(language=candidate.preferred_language).version
    if notice_version != current:
        # Read before deciding: the candidate decides on the notice they were shown.
        message = gettext("The notice has changed: read version %(version)s first.") % {"version": current}
        raise ValidationFailed(message, fields={"notice_version": [message]}, code="notice_changed")
    return [
        consent_services.consent_save(
            candidate=candidate,
            interview=interview,
            scope=scope,
            decision=decisions[scope],
            notice_version=notice_version,
            actor=link_actor(candidate.pk, link="consent"),
        )
        for scope in consent_services.SCOPES
        if scope in decisions
    ]


# --- The reschedule link --------------------------------------------------------------------------


def reschedule_page_read(*, token: str) -> RescheduleOffer:
    """The offer the reschedule page shows (404 / 409 / 410 as `reschedule_offer_get`); the read
    is in the audit trail."""
    offer = reschedule_offer_get(token=token)
    candidate_id = offer.interview.application.candidate_id
    audit_record(
        actor=link_actor(candidate_id, link="reschedule"),
        action=AuditAction.VIEW,
        target=offer,
        candidate_id=candidate_id,
        detail={"page": "reschedule", "interview": str(offer.interview_id), "slots": offer.slots},
    )
    return offer


def reschedule_link_language(*, token: str) -> str:
    """The language of the candidate a reschedule link was made for, used or expired ('' if none),
    so the page that says the link cannot be used any more says it in their language."""
    language = (
        RescheduleOffer.objects.filter(token_sha256=token_hash(token or ""))
        .values_list("interview__application__candidate__preferred_language", flat=True)
        .first()
    )
    return language or ""


# --- The interview link ---------------------------------------------------------------------------

# Why the candidate cannot choose another time themselves (the page says it in their language).
RESCHEDULE_CLOSED = {
    "not_scheduled": gettext_lazy("The interview is not scheduled any more."),
    "too_late": gettext_lazy("The interview starts too soon to be moved."),
    "limit": gettext_lazy("The interview has been moved as often as a candidate may move it."),
}


class RescheduleRefused(ApplicationError):
    """The candidate may not move this interview through their link; `reason` is a key of
    RESCHEDULE_CLOSED."""

    status_code = 409
    code = "reschedule_refused"

    def __init__(self, *, reason: str):
        super().__init__(str(RESCHEDULE_CLOSED[reason]))
        self.reason = reason


@dataclass(frozen=True)
class InterviewPage:
    interview: Interview
    practice_url: str
    # Free times the candidate may move to: empty when `closed` names why they may not.
    slots: list[datetime]
    reschedules_left: int
    closed: str  # "" or a key of RESCHEDULE_CLOSED
    # The candidate's accommodation requests for it, as their link sees them.
    accommodations: list


def interview_token(*, interview: Interview) -> str:
    return link_token(INTERVIEW_LINK, interview=interview)


def interview_url(*, interview: Interview) -> str:
    return link_url(INTERVIEW_LINK, interview=interview)


def interview_link_open(*, token: str) -> Interview:
    return link_open(INTERVIEW_LINK, token=token)


def candidate_reschedules(*, interview: Interview) -> int:
    """How often the candidate has moved `interview` through their link, counted in the audit
    trail: it is append-only and chained, so the count needs no field and cannot be reset."""
    return AuditEvent.objects.filter(
        target_type=Interview._meta.label_lower,
        target_id=str(interview.pk),
        action=AuditAction.UPDATE,
        actor_label=str(link_actor(interview.application.candidate_id, link="interview")),
        detail__event="reschedule",
    ).count()


def _reschedule_closed(interview: Interview, *, moves: int, now: datetime) -> str:
    if interview.status != Interview.Status.SCHEDULED:
        return "not_scheduled"
    # Once the reminder is due the interviewers are preparing: too late to move it from the link.
    if interview.starts_at - now <= timedelta(minutes=settings.HRSUITE_REMINDER_MINUTES):
        return "too_late"
    if moves >= settings.HRSUITE_CANDIDATE_RESCHEDULES_MAX:
        return "limit"
    return ""


def _free_slots(interview: Interview, *, now: datetime) -> list[datetime]:
    interviewers = [a.interviewer for a in interview.assignments.select_related("interviewer")]
    return offer_slots(interview=interview, interviewers=interviewers, now=now)


def interview_page_read(*, token: str) -> InterviewPage:
    """What the interview page shows: the interview, its practice link and, while the candidate
    may still move it, the free times to choose from; the read is in the audit trail."""
    interview = interview_link_open(token=token)
    candidate_id = interview.application.candidate_id
    now = timezone.now()
    moves = candidate_reschedules(interview=interview)
    closed = _reschedule_closed(interview, moves=moves, now=now)
    slots = [] if closed else _free_slots(interview, now=now)
    audit_record(
        actor=link_actor(candidate_id, link="interview"),
        action=AuditAction.VIEW,
        target=interview,
        candidate_id=candidate_id,
        detail={
            "page": "interview",
            "slots": [slot.isoformat() for slot in slots],
            "candidate_reschedules": moves,
        },
    )
    actor = link_actor(candidate_id, link="interview")
    return InterviewPage(
        interview=interview,
        practice_url=practice_url(interview),
        slots=slots,
        reschedules_left=max(settings.HRSUITE_CANDIDATE_RESCHEDULES_MAX - moves, 0),
        closed=closed,
        accommodations=interview_accommodations_for(user=actor, interview=interview, page="interview"),
    )


@transaction.atomic
def interview_reschedule_by_link(*, token: str, starts_at: datetime) -> Interview:
    """The candidate moves their interview to one of the free times their page offers, through
    `interview_reschedule` (every time rule, a raised calendar sequence, new invitation and
    reminder). Refused (RescheduleRefused, 409) once it is not scheduled, starts within
    HRSUITE_REMINDER_MINUTES, or has been moved HRSUITE_CANDIDATE_RESCHEDULES_MAX times already;
    a time taken since it was offered is `slot_gone` (409, `slot_taken`), one never offered a
    ValidationFailed (`slot_not_offered`)."""
    interview = interview_link_open(token=token)
    actor = link_actor(interview.application.candidate_id, link="interview")
    # Locked before counting: two posts at once must not both make the last move allowed.
    interview = get_for_change(
        Interview.objects.select_related("application__candidate", "application__position"),
        user=actor,
        pk=interview.pk,
    )
    now = timezone.now()
    closed = _reschedule_closed(interview, moves=candidate_reschedules(interview=interview), now=now)
    if closed:
        raise RescheduleRefused(reason=closed)
    if starts_at.tzinfo is None:
        raise _not_offered()
    if starts_at not in _free_slots(interview, now=now):
        if _taken(interview, starts_at):
            # Offered on the page, booked by someone else since: the candidate is not told by whom.
            raise slot_gone(field="starts_at")
        raise _not_offered()
    try:
        return scheduling_services.interview_reschedule(interview=interview, starts_at=starts_at, actor=actor)
    except AIInterviewRefused:
        raise not_movable_by_candidate(field="starts_at") from None
    except ValidationFailed:
        # Free a moment ago, booked (or past) since.
        raise slot_gone(field="starts_at") from None


def _not_offered() -> ValidationFailed:
    return ValidationFailed(
        gettext("Choose one of the offered times."),
        fields={"starts_at": [gettext("Not an offered time.")]},
        code="slot_not_offered",
    )


def _taken(interview: Interview, starts_at: datetime) -> bool:
    interviewers = [a.interviewer for a in interview.assignments.select_related("interviewer")]
    return bool(
        scheduling_services.slot_conflicts(
            starts_at=starts_at,
            duration_minutes=interview.duration_minutes,
            interviewers=interviewers,
            exclude_interview=interview,
        )
    )
