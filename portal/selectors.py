"""What the signed-in candidate's portal shows: their own records, each read through its app's
selector, so `restrict()` and the candidate policies decide what is theirs (and which results HR
has released). The page is one `list` event in the audit trail, naming every record it showed."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application, Candidate, Position
from candidates.selectors import application_list_for, candidate_list_for
from hrsuite.errors import NotFound
from interviews.models import AIAssessment, Consent, ConsentNotice, Interview
from interviews.selectors import assessment_list_for, consent_list_for, interview_list_for
from interviews.services.consent import notice_current
from interviews.survey_models import InterviewSurvey
from interviews.survey_selectors import survey_list_for
from onboarding.models import Offer, OnboardingPlan, OnboardingTask
from onboarding.selectors import offer_list_for, plan_list_for, task_list_for


@dataclass
class PortalOverview:
    candidate: Candidate | None
    applications: list[Application]
    interviews: list[Interview]
    # Released results only (the candidate policy hides the others), by interview id.
    results: dict = field(default_factory=dict)
    # The latest decision per scope, by interview id: {interview_id: {scope: decision}}.
    consents: dict = field(default_factory=dict)
    notice: ConsentNotice | None = None
    offers: list[Offer] = field(default_factory=list)
    plans: list[OnboardingPlan] = field(default_factory=list)
    # The new hire's own tasks, by plan id.
    tasks: dict = field(default_factory=dict)
    # The survey of each interview that ended, by interview id (docs/architecture.md, "Candidate survey").
    surveys: dict = field(default_factory=dict)


def _latest_consents(rows) -> dict:
    """Newest first in, so the first decision seen per interview and scope is the one that counts."""
    latest: dict = {}
    for consent in rows:
        latest.setdefault(consent.interview_id, {}).setdefault(consent.scope, consent.decision)
    return latest


def _narrowed(queryset: QuerySet, *shown: str, joined: tuple[str, ...] = ()) -> QuerySet:
    """`queryset` reading only the columns `shown` (and the keys), joined to `joined` alone."""
    queryset = queryset.select_related(None).prefetch_related(None)
    return (queryset.select_related(*joined) if joined else queryset).only(*shown)


def portal_overview_for(*, user, language: str) -> PortalOverview:
    """Everything of the candidate's own in a fixed number of queries, whatever its size.

    Each list reads the columns the home page shows and the keys its audit event names. The
    selectors bring whole rows, as the API and the record pages show them: the candidate's
    encrypted contact data beside every application and interview, each result's transcript,
    scores and reviews, each consent's notice, each task's documents; the overview shows none."""
    candidate = _narrowed(candidate_list_for(user=user), "full_name").first()
    consents = list(_narrowed(consent_list_for(user=user), "interview_id", "scope", "decision"))
    tasks: dict = {}
    task_rows = list(_narrowed(task_list_for(user=user), "plan_id", "title", "due_at", "status"))
    for task in task_rows:
        tasks.setdefault(task.plan_id, []).append(task)
    try:
        notice = notice_current(language=language)
    except NotFound:
        notice = None
    overview = PortalOverview(
        candidate=candidate,
        applications=list(
            _narrowed(
                application_list_for(user=user),
                "stage",
                *Position.title_columns("position__"),
                joined=("position",),
            )
        ),
        interviews=list(
            _narrowed(
                interview_list_for(user=user),
                *("kind", "provider", "starts_at", "duration_minutes", "join_url", "status"),
                *Position.title_columns("application__position__"),
                joined=("application__position",),
            )
        ),
        # A result is linked to, its scores shown on its own page.
        results={
            result.interview_id: result
            for result in _narrowed(assessment_list_for(user=user), "interview_id")
        },
        consents=_latest_consents(consents),
        notice=notice,
        offers=list(
            _narrowed(
                offer_list_for(user=user),
                *("status", "start_date", "expires_at", *Position.title_columns("position__")),
                joined=("position",),
            )
        ),
        plans=list(
            _narrowed(
                plan_list_for(user=user),
                *("start_date", "status", *Position.title_columns("application__position__")),
                joined=("application__position",),
            )
        ),
        tasks=tasks,
        surveys={
            survey.interview_id: survey
            for survey in _narrowed(survey_list_for(user=user), "interview_id", "answered_at")
        },
    )
    # One event for the page, naming what it showed by type: the candidate's own records, read
    # together, so one row in the trail says so (and the page takes one chain-head lock, not seven).
    shown = {
        model._meta.label_lower: [str(row.pk) for row in rows]
        for model, rows in (
            (Application, overview.applications),
            (Interview, overview.interviews),
            (AIAssessment, overview.results.values()),
            (Consent, consents),
            (Offer, overview.offers),
            (OnboardingPlan, overview.plans),
            (OnboardingTask, task_rows),
            (InterviewSurvey, overview.surveys.values()),
        )
        if rows
    }
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target=candidate,
        target_type="" if candidate else Candidate._meta.label_lower,
        detail={"page": "portal-home", "shown": shown},
    )
    return overview
