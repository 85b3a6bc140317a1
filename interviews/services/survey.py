"""The candidate survey after each interview: inviting once, through the outbox, and taking the
answers once (docs/architecture.md, "Candidate survey").

Beat's `survey-invitations-send` finds the interviews that ended (completed, or ended by a
technical failure) at least HRSUITE_SURVEY_DELAY_MINUTES ago, started within the last
HRSUITE_SURVEY_SEND_WITHIN_DAYS, and have no survey yet. For each, in a transaction of its own,
it inserts the survey row and queues the invitation: the row's unique constraint (interview,
candidate) makes a second run, even one running at the same moment, find the row and queue
nothing, and a rolled-back insert queues nothing either. An erased candidate, and one whose latest
decision on the general consent is a withdrawal, is not surveyed.

The answers come through the candidate's signed survey link (the e-mail's, or a fresh one from
the signed-in portal) or the API, all through `survey_answer`: every answer checked first, each
error naming its field, then the row updated whole under its lock; a second answer is a Conflict
(409, `survey_answered`), and nothing of it is kept.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import Conflict, NotFound, ValidationFailed
from hrsuite.links import SignedLink, link_actor, link_address, link_resolve, link_sign, payload_uuid
from hrsuite.permissions import get_for_change
from interviews.models import Consent, Interview
from interviews.survey_models import SURVEY_SCALE, InterviewSurvey
from notifications.services.outbox import notification_key, notification_queue

logger = logging.getLogger(__name__)

# Interviews that ended with the candidate there: held to the end, or ended by a technical failure.
ENDED = (Interview.Status.COMPLETED, Interview.Status.TECHNICAL_ISSUE)
# Invitations queued by one run at most; the rest wait for the next (a minute later).
RUN_LIMIT = 500
COMMENT_MAX_CHARS = 2000
SURVEY_ANSWERED = "survey_answered"
# The invitation's outbox template (`interviews.survey_emails`).
SURVEY_INVITATION = "survey_invitation"

SURVEY_LINK = SignedLink(salt="hrsuite.interviews.survey-link", max_age=timedelta(days=30), page="survey")


# --- Inviting ---------------------------------------------------------------------------------------


def survey_invitations_send(*, now=None) -> int:
    """Queues the invitation of each interview that ended and has no survey yet (RUN_LIMIT at
    most); returns how many were queued. Safe to run twice, and twice at once."""
    now = now or timezone.now()
    delay = timedelta(minutes=settings.HRSUITE_SURVEY_DELAY_MINUTES)
    ended = list(
        Interview.objects.filter(
            status__in=ENDED,
            starts_at__gte=now - timedelta(days=settings.HRSUITE_SURVEY_SEND_WITHIN_DAYS),
            starts_at__lte=now - delay,
            application__candidate__erased_at__isnull=True,
        )
        .exclude(surveys__isnull=False)
        .values(
            "pk",
            "kind",
            "provider",
            "starts_at",
            "duration_minutes",
            "ended_at",
            "application__candidate_id",
            "application__candidate__preferred_language",
            "application__position__region",
        )
        .order_by("starts_at", "pk")[:RUN_LIMIT]
    )
    due = [row for row in ended if _ended_at(row) <= now - delay]
    withdrawn = _consent_withdrawn({row["application__candidate_id"] for row in due})
    queued = 0
    for row in due:
        if row["application__candidate_id"] in withdrawn:
            continue
        queued += _invite(row, now=now)
    return queued


def _ended_at(row: dict):
    return row["ended_at"] or row["starts_at"] + timedelta(minutes=row["duration_minutes"])


def _consent_withdrawn(candidate_ids: set) -> set:
    """The candidates whose latest decision on the general consent is a withdrawal."""
    latest: dict = {}
    rows = (
        Consent.objects.filter(candidate_id__in=candidate_ids, scope=Consent.Scope.GENERAL)
        .order_by("candidate_id", "-decided_at", "-created_at")
        .values_list("candidate_id", "decision")
    )
    for candidate_id, decision in rows:
        latest.setdefault(candidate_id, decision)
    return {pk for pk, decision in latest.items() if decision == Consent.Decision.WITHDRAWN}


def _invite(row: dict, *, now) -> int:
    """One survey row and its invitation, together or not at all; 0 when another run made them."""
    candidate_id = row["application__candidate_id"]
    language = row["application__candidate__preferred_language"] or "en"
    try:
        with transaction.atomic():
            survey = InterviewSurvey.objects.create(
                interview_id=row["pk"],
                candidate_id=candidate_id,
                language=language,
                region=row["application__position__region"],
                provider=row["provider"],
                kind=row["kind"],
                sent_at=now,
            )
            notification_queue(
                template=SURVEY_INVITATION,
                key=notification_key(SURVEY_INVITATION, row["pk"], candidate_id),
                candidate=survey.candidate,
                interview=survey.interview,
                payload={"survey": str(survey.pk)},
                language=language,
            )
            audit_record(
                actor="system:survey",
                action=AuditAction.CREATE,
                target=survey,
                candidate_id=candidate_id,
                detail={"event": "survey_sent", "interview": str(row["pk"]), "language": language},
            )
    except IntegrityError:
        return 0  # another run surveyed it first
    return 1


# --- The link ---------------------------------------------------------------------------------------


def survey_token(*, survey: InterviewSurvey) -> str:
    return link_sign(SURVEY_LINK, payload={"s": str(survey.pk), "c": str(survey.candidate_id)})


def survey_url(*, survey: InterviewSurvey) -> str:
    return link_address(SURVEY_LINK, token=survey_token(survey=survey))


def _survey_for(payload) -> InterviewSurvey:
    survey = (
        InterviewSurvey.objects.select_related("candidate", "interview__application__position")
        .filter(pk=payload_uuid(payload, "s"))
        .first()
    )
    if survey is None or str(survey.candidate_id) != payload.get("c") or survey.candidate.erased_at:
        raise NotFound(gettext("This link is not valid."))
    return survey


def survey_link_open(*, token: str) -> InterviewSurvey:
    """The survey a signed link opens (404 unknown, 410 expired, as `link_resolve`)."""
    return link_resolve(
        SURVEY_LINK, token=token, resolve=_survey_for, language_of=lambda survey: survey.language
    )


def survey_page_read(*, token: str) -> InterviewSurvey:
    """What the survey page shows, the read in the audit trail."""
    survey = survey_link_open(token=token)
    audit_record(
        actor=link_actor(survey.candidate_id, link="survey"),
        action=AuditAction.VIEW,
        target=survey,
        candidate_id=survey.candidate_id,
        detail={"page": "survey", "interview": str(survey.interview_id), "answered": survey.answered},
    )
    return survey


def survey_answer_by_link(*, token: str, answers: dict) -> InterviewSurvey:
    """The answers through the survey link; what is wrong with them is said in the candidate's
    language, whatever their browser's."""
    survey = survey_link_open(token=token)
    with translation.override(survey.language):
        return survey_answer(
            survey=survey, answers=answers, actor=link_actor(survey.candidate_id, link="survey")
        )


# --- Answering --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAnswers:
    overall: int
    technical_problems: bool
    fairness: int
    comment: str


def _rating(answers: dict, name: str, errors: dict) -> int | None:
    value = answers.get(name)
    low, high = SURVEY_SCALE
    if value is None or value == "":
        errors[name] = [gettext("Required.")]
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        errors[name] = [
            gettext("Choose a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        ]
        return None
    return number


def _yes_no(answers: dict, name: str, errors: dict) -> bool | None:
    value = answers.get(name)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0"):
        return False
    errors[name] = [gettext("Answer yes or no.") if text else gettext("Required.")]
    return None


def survey_answers_checked(answers: dict) -> SurveyAnswers:
    """The answers as they are kept; ValidationFailed naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    overall = _rating(answers, "overall", errors)
    technical_problems = _yes_no(answers, "technical_problems", errors)
    fairness = _rating(answers, "fairness", errors)
    comment = answers.get("comment") or ""
    if not isinstance(comment, str):
        errors["comment"] = [gettext("Write the comment as text.")]
    elif len(comment.strip()) > COMMENT_MAX_CHARS:
        errors["comment"] = [
            gettext("At most %(count)d characters.") % {"count": COMMENT_MAX_CHARS},
        ]
    elif "\x00" in comment:
        errors["comment"] = [gettext("Write the comment as text.")]
    if errors:
        raise ValidationFailed(gettext("Please check your answers."), fields=errors, code="invalid_answers")
    return SurveyAnswers(
        overall=overall, technical_problems=technical_problems, fairness=fairness, comment=comment.strip()
    )


@transaction.atomic
def survey_answer(*, survey: InterviewSurvey, answers: dict, actor) -> InterviewSurvey:
    """The candidate's answers, kept whole under the row's lock: every field checked first (400
    naming each wrong one), a survey answered already refused (409 `survey_answered`), nothing
    kept of a refused answer. Only the candidate answers (their portal account, their link)."""
    checked = survey_answers_checked(answers)
    survey = get_for_change(
        InterviewSurvey.objects.select_related("candidate", "interview__application__position"),
        user=actor,
        pk=survey.pk,
    )
    if survey.answered:
        raise Conflict(
            gettext("You have answered this survey already: thank you."),
            fields={"survey": [gettext("Answered already.")]},
            code=SURVEY_ANSWERED,
        )
    if survey.candidate.erased_at:
        raise NotFound(gettext("This survey is closed."))
    survey.overall = checked.overall
    survey.technical_problems = checked.technical_problems
    survey.fairness = checked.fairness
    survey.comment = checked.comment
    survey.answered_at = timezone.now()
    survey.save(
        update_fields=["overall", "technical_problems", "fairness", "comment", "answered_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=survey,
        candidate_id=survey.candidate_id,
        changed_fields=["overall", "technical_problems", "fairness", "comment", "answered_at"],
        detail={"event": "survey_answered", "interview": str(survey.interview_id)},
    )
    return survey
