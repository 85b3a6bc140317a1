"""The candidate's e-mail links as credentials: the signed consent link, and the page reads and
decisions made through it and through the reschedule link.

Candidates have no account yet when the invitation goes out, so the link itself authorises: the
consent link is a `django.core.signing` token over {interview, candidate}, made when the e-mail is
rendered and stored nowhere. It is valid for CONSENT_LINK_MAX_AGE; a tampered token, one for an
interview that is gone, or one whose candidate no longer owns the interview opens nothing. The
actor of everything done through a link is `candidate-link:<candidate id>`.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ApplicationError, NotFound, ValidationFailed
from interviews.models import Consent, ConsentNotice, Interview, RescheduleOffer
from interviews.services import consent as consent_services
from interviews.services.incidents import reschedule_offer_get, token_hash

# Its own salt: a signature made for anything else in the project never opens a consent link.
CONSENT_LINK_SALT = "hrsuite.interviews.consent-link"
# Long enough for an interview booked weeks ahead, and for withdrawing after it.
CONSENT_LINK_MAX_AGE = timedelta(days=30)


class LinkExpired(ApplicationError):
    status_code = 410
    code = "expired"

    def __init__(self, message: str, *, language: str = ""):
        super().__init__(message)
        # The candidate's language when the signature was still genuine: the page can speak it.
        self.language = language


def link_actor(candidate_id) -> str:
    return f"candidate-link:{candidate_id}"


# --- The consent link -----------------------------------------------------------------------------


def consent_token(*, interview: Interview) -> str:
    """A fresh signed token for the candidate of `interview` (timestamped now)."""
    payload = {"i": str(interview.pk), "c": str(interview.application.candidate_id)}
    return signing.dumps(payload, salt=CONSENT_LINK_SALT)


def consent_url(*, interview: Interview) -> str:
    return f"{settings.HRSUITE_PUBLIC_URL.rstrip('/')}/portal/consent/{consent_token(interview=interview)}/"


def _interview_for(payload) -> Interview:
    """The interview a genuine payload names, if its candidate still owns it."""
    try:
        interview_id = uuid.UUID(str(payload["i"]))
    except (TypeError, KeyError, ValueError):
        # A genuine signature over something that names no interview: not made by consent_token.
        raise NotFound("This link is not valid.") from None
    interview = (
        Interview.objects.select_related("application__candidate", "application__position")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None or str(interview.application.candidate_id) != payload.get("c"):
        raise NotFound("This link is not valid.")
    return interview


def consent_link_open(*, token: str) -> Interview:
    """The interview a consent link opens. Unknown, tampered or mismatched: NotFound (404);
    older than CONSENT_LINK_MAX_AGE: LinkExpired (410)."""
    try:
        payload = signing.loads(token, salt=CONSENT_LINK_SALT, max_age=CONSENT_LINK_MAX_AGE)
    except signing.SignatureExpired:
        language = ""
        try:
            # The signature is genuine, only old: its candidate may still read why, in their language.
            interview = _interview_for(signing.loads(token, salt=CONSENT_LINK_SALT))
            language = interview.application.candidate.preferred_language
        except (signing.BadSignature, NotFound):
            pass
        raise LinkExpired("This link has expired.", language=language) from None
    except (signing.BadSignature, ValueError):
        raise NotFound("This link is not valid.") from None
    return _interview_for(payload)


def consent_page_read(*, token: str) -> tuple[Interview, ConsentNotice, dict[str, str | None]]:
    """What the consent page shows: the interview, the current notice in the candidate's
    language and their decisions so far; the read is in the audit trail."""
    interview = consent_link_open(token=token)
    candidate = interview.application.candidate
    notice = consent_services.notice_current(language=candidate.preferred_language)
    state = consent_services.consent_state(interview=interview)
    audit_record(
        actor=link_actor(candidate.pk),
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
        raise ValidationFailed("Choose at least one answer.", fields={"decisions": ["Required."]})
    unknown = sorted(set(decisions) - set(consent_services.SCOPES))
    if unknown:
        raise ValidationFailed("Unknown consent.", fields={"scope": [f"Unknown: {', '.join(unknown)}."]})
    return [
        consent_services.consent_save(
            candidate=candidate,
            interview=interview,
            scope=scope,
            decision=decisions[scope],
            notice_version=notice_version,
            actor=link_actor(candidate.pk),
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
        actor=link_actor(candidate_id),
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
