"""Consent to AI interviews: versioned notices, the candidate's decisions, and what follows them.

PIPL asks for biometric (face and voice) consent separately from general consent; the Illinois AI
Video Interview Act asks for notice of what the AI evaluates, and consent, before the interview.
Each decision is a row (never updated): the latest one per scope counts, so withdrawing is one
more row, possible at any time. Without both consents given the AI assessment is not used.
"""

import hashlib
import importlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.notices import recruiters_notify
from audit import context
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Candidate
from candidates.services.intake import Notice
from hrsuite.errors import InvalidTransition, NotFound, ValidationFailed
from interviews.models import AIAssessment, Consent, ConsentNotice, Interview
from interviews.notices import InterviewMessage

SCOPES = (Consent.Scope.GENERAL, Consent.Scope.BIOMETRIC)
FALLBACK_LANGUAGE = "en"


def notice_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def notice_publish(
    *, version: str, language: str, title: str, text: str, actor="system:consent"
) -> ConsentNotice:
    """Publish a notice version in one language; publishing the same text again changes nothing.

    A published version never changes (consents point at it and keep its hash): new wording is a
    new version.
    """
    errors: dict[str, list[str]] = {}
    for name, value in (("version", version), ("language", language), ("title", title), ("text", text)):
        if not value or not value.strip():
            errors[name] = [gettext("Required.")]
    if errors:
        raise ValidationFailed.naming(gettext("Invalid notice: %(fields)s."), errors)
    digest = notice_sha256(text)
    existing = ConsentNotice.objects.filter(version=version, language=language).first()
    if existing is not None:
        if existing.text_sha256 != digest or existing.title != title:
            raise ValidationFailed(
                gettext(
                    "Notice version %(version)s (%(language)s) is published with other wording; "
                    "publish the new wording as a new version."
                )
                % {"version": version, "language": language},
                fields={"version": [gettext("Published already with other wording.")]},
            )
        return existing
    notice = ConsentNotice(
        version=version,
        language=language,
        title=title,
        text=text,
        text_sha256=digest,
        published_at=timezone.now(),
    )
    notice.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=notice,
        changed_fields=["version", "language", "title", "text"],
        detail={"text_sha256": digest},
    )
    return notice


def default_notices_publish(*, actor="system:consent") -> list[ConsentNotice]:
    """The default notices, as the data migration publishes them; for databases emptied since
    (a test flush). The texts live in the migration alone, so both publish the same version."""
    defaults = importlib.import_module("interviews.migrations.0004_default_consent_notices")
    return [
        notice_publish(version=defaults.VERSION, language=language, title=title, text=text, actor=actor)
        for language, (title, text) in defaults.NOTICES.items()
    ]


def notice_current(*, language: str) -> ConsentNotice:
    """The newest notice in `language`, else in English."""
    for lang in (language, FALLBACK_LANGUAGE):
        notice = ConsentNotice.objects.filter(language=lang).order_by("-published_at", "-version").first()
        if notice is not None:
            return notice
    raise NotFound(gettext("No consent notice is published."))


def intake_notice(language: str):
    """The current notice in `language` as the application intake shows it and records its
    acknowledgement (`candidates.services.intake`; docs/architecture.md, "Careers page and
    intake"). The consents to the AI interview itself are asked for later, per interview."""
    notice = notice_current(language=language)
    return Notice(
        version=notice.version,
        language=notice.language,
        title=notice.title,
        text=notice.text,
        sha256=notice.text_sha256,
    )


def consent_state(*, interview: Interview) -> dict[str, str | None]:
    """The candidate's latest decision per scope for this interview (None: not asked yet)."""
    state: dict[str, str | None] = dict.fromkeys(SCOPES)
    rows = (
        Consent.objects.filter(candidate_id=interview.application.candidate_id, interview=interview)
        .order_by("scope", "-decided_at", "-created_at")
        .values_list("scope", "decision")
    )
    for scope, decision in rows:
        if state.get(scope) is None:
            state[scope] = decision
    return state


def consent_complete(*, interview: Interview) -> bool:
    """Both general and biometric consent are given for this interview, each on the current
    notice in the candidate's language: a decision on older wording is not consent to the new."""
    candidate = interview.application.candidate
    try:
        current = notice_current(language=candidate.preferred_language).version
    except NotFound:
        return False
    latest: dict[str, tuple[str, str]] = {}
    rows = (
        Consent.objects.filter(candidate_id=candidate.pk, interview=interview)
        .order_by("scope", "-decided_at", "-created_at")
        .values_list("scope", "decision", "notice__version")
    )
    for scope, decision, version in rows:
        latest.setdefault(scope, (decision, version))
    return all(latest.get(scope) == (Consent.Decision.GIVEN, current) for scope in SCOPES)


# Which decision may follow which (None: no decision yet). Withdrawing needs consent to withdraw.
_DECISIONS: dict[tuple[str | None, str], bool] = {
    **{(before, Consent.Decision.GIVEN): True for before in (None, *Consent.Decision.values)},
    **{(before, Consent.Decision.REFUSED): True for before in (None, *Consent.Decision.values)},
    (Consent.Decision.GIVEN, Consent.Decision.WITHDRAWN): True,
}


@transaction.atomic
def consent_record(*, interview: Interview, scope: str, decision: str, notice_version: str, actor) -> Consent:
    """The candidate's decision on one scope of the notice they were shown, with when and from where.

    Refusing or withdrawing before an AI interview turns it into a live video interview with a
    human interviewer, which the recruiters are asked to arrange.
    """
    # Read afresh: whose portal account owns the candidate is what authorises the decision.
    candidate = Candidate.objects.get(pk=interview.application.candidate_id)
    if candidate.user_id is None or candidate.user_id != getattr(actor, "pk", None):
        # Nobody decides for the candidate, recruiters included.
        raise NotFound(gettext("Interview not found."))
    return consent_save(
        candidate=candidate,
        interview=interview,
        scope=scope,
        decision=decision,
        notice_version=notice_version,
        actor=actor,
    )


@transaction.atomic
def consent_save(
    *, candidate: Candidate, interview: Interview, scope: str, decision: str, notice_version: str, actor
) -> Consent:
    """The one place a decision is stored, once the caller has established that `candidate`
    decides (their portal account: `consent_record`; their signed e-mail link:
    `candidate_links.consent_decide_by_link`). Not for deciding on anyone's behalf."""
    errors: dict[str, list[str]] = {}
    if scope not in Consent.Scope.values:
        errors["scope"] = [gettext("Choose one of %(choices)s.") % {"choices": Consent.Scope.values}]
    if decision not in Consent.Decision.values:
        errors["decision"] = [gettext("Choose one of %(choices)s.") % {"choices": Consent.Decision.values}]
    notice = notice_current(language=candidate.preferred_language)
    if notice_version != notice.version:
        errors["notice_version"] = [
            gettext("The notice has changed: read version %(version)s first.") % {"version": notice.version}
        ]
    if errors:
        raise ValidationFailed.naming(gettext("Invalid input: %(fields)s."), errors)
    # Decisions on one interview are serialised, so "latest per scope" is well defined.
    interview.kind = Interview.objects.select_for_update().values_list("kind", flat=True).get(pk=interview.pk)
    before = consent_state(interview=interview)[scope]
    if not _DECISIONS.get((before, decision)):
        raise InvalidTransition(entity=Consent._meta.verbose_name, state=before or "none", event=decision)
    request = context.current()
    consent = Consent(
        candidate=candidate,
        interview=interview,
        notice=notice,
        scope=scope,
        decision=decision,
        decided_at=timezone.now(),
        ip=request.ip,
        user_agent=request.user_agent[:256],
    )
    consent.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=consent,
        candidate_id=candidate.pk,
        changed_fields=["scope", "decision"],
        detail={
            "interview": str(interview.pk),
            "scope": scope,
            "decision": decision,
            "notice_version": notice.version,
            "notice_sha256": notice.text_sha256,
        },
    )
    if decision != Consent.Decision.GIVEN:
        assessment_set_aside(interview, reason=f"consent_{decision}_{scope}", actor=actor)
        route_to_human(interview, reason=f"consent_{decision}_{scope}", actor=actor)
    return consent


def assessment_set_aside(interview: Interview, *, reason: str, actor) -> None:
    """Consent withdrawn after the AI assessed (or an evaluation by a person only granted,
    `interviews.services.accommodations`): its result (scores, evidence quotes, transcript)
    is deleted, not merely ignored, as PIPL asks once consent is gone. The trail keeps that it
    existed and why it went, never its contents."""
    assessment = AIAssessment.objects.filter(interview=interview).first()
    if assessment is None:
        return
    # Its release goes with it: a later result is shown only once HR releases that one.
    unreleased = Interview.objects.filter(pk=interview.pk, results_released_at__isnull=False).update(
        results_released_at=None, updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=assessment,
        candidate_id=interview.application.candidate_id,
        detail={"reason": reason, "interview": str(interview.pk), "release_withdrawn": bool(unreleased)},
    )
    assessment.delete()


def route_to_human(interview: Interview, *, reason: str, actor) -> None:
    """Without consent the AI does not assess: a scheduled AI interview becomes a live video
    interview (a person interviews and decides), and the recruiters are asked for an interviewer.
    The same follows an evaluation by a person only granted as an accommodation (`reason`
    `accommodation_human_only`)."""

    if interview.kind != Interview.Kind.AI_VIDEO:
        return  # people interview and assess already; there is no AI result to set aside
    converted = Interview.objects.filter(
        pk=interview.pk, kind=Interview.Kind.AI_VIDEO, status=Interview.Status.SCHEDULED
    ).update(kind=Interview.Kind.LIVE_VIDEO, updated_at=timezone.now())
    if converted:
        interview.kind = Interview.Kind.LIVE_VIDEO
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=interview,
            candidate_id=interview.application.candidate_id,
            changed_fields=["kind"],
            detail={
                "from": Interview.Kind.AI_VIDEO,
                "to": Interview.Kind.LIVE_VIDEO,
                "reason": reason,
                "human_interviewer_needed": True,
            },
        )
    # An AI interview already held needs a human-reviewed interview instead of its AI result.
    recruiters_notify(
        template=InterviewMessage.HUMAN_INTERVIEW_NEEDED,
        interview=interview,
        reason=reason,
        extra={"converted_to_live_video": bool(converted)},
    )
