"""Impact ratios of each AI interview tool, computed in the background and kept
(docs/architecture.md, "Fairness").

Who counts: every application assessed by an AI interview of the tool (a provider), once (the
mean score where it was assessed more than once). Per sex, per race or ethnicity and per their
intersection, the candidate's self-identification in the scheme of the position's region; no
answer, "prefer not to say", or a question not asked in that region is "unknown", counted apart
and left out of the ratios.

- Selection: advanced past the AI interview: it reached the decision stage (or an offer, or a
  hire) or had an interview a person holds after the AI one. Not advanced: rejected without
  either. Applications still under way, or withdrawn, are "pending" and out of the selection
  rates (they have no outcome yet).
- Scoring: the AI's overall score above the median of every applicant scored by the tool (in
  the scope).

One row per scope: the tool ("tool:<provider>") and each of its positions
("tool:<provider>:position:<id>"). Beat's `fairness-refresh` computes a tool whose row is missing,
asked for, or older than HRSUITE_FAIRNESS_REFRESH_HOURS, claiming it first as the validity
figures are claimed. Counts only: no candidate's id is kept.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from analytics.fairness import categories, statistics
from analytics.models import FairnessResult, SelfIdentification
from analytics.services.kept import kept_rows_refresh
from candidates.models import Position, Stage, StageChange
from interviews.models import AIAssessment, Interview

logger = logging.getLogger(__name__)

RUN_LIMIT = 10
ADVANCED_STAGES = (Stage.DECISION, Stage.OFFER, Stage.HIRED)
DIMENSIONS = ("sex", "race_ethnicity", "intersectional")


def tool_scope(provider: str) -> str:
    return f"tool:{provider}"


def position_scope(provider: str, position_id) -> str:
    return f"tool:{provider}:position:{position_id}"


def fairness_ask(provider: str) -> None:
    """Ask beat to compute the tool's figures now (its row made when missing)."""
    now = timezone.now()
    scope = tool_scope(provider)
    if not FairnessResult.objects.filter(scope=scope).update(asked_at=now):
        FairnessResult.objects.bulk_create(
            [FairnessResult(scope=scope, provider=provider, asked_at=now)], ignore_conflicts=True
        )


def fairness_refresh(*, now=None) -> list[str]:
    """Computes the tools due, RUN_LIMIT at most; returns their scopes."""
    now = now or timezone.now()
    used = set(
        Interview.objects.filter(kind=Interview.Kind.AI_VIDEO).values_list("provider", flat=True).distinct()
    )
    known = set(FairnessResult.objects.filter(position__isnull=True).values_list("provider", flat=True))
    for provider in sorted(used - known):
        fairness_ask(provider)
    computed = kept_rows_refresh(
        FairnessResult.objects.filter(position__isnull=True),
        key="provider",
        compute=tool_compute,
        now=now,
        stale=now - timedelta(hours=settings.HRSUITE_FAIRNESS_REFRESH_HOURS),
        limit=RUN_LIMIT,
    )
    return [tool_scope(provider) for provider in computed]


# --- Reading a tool ------------------------------------------------------------------------------


class Applicant:
    """One application assessed by the tool, as the figures need it."""

    __slots__ = ("categories", "hired", "outcome", "position_id", "score")

    def __init__(self, position_id, score, outcome, categories, *, hired=False):
        self.position_id, self.score, self.outcome, self.categories = position_id, score, outcome, categories
        self.hired = hired


def _answers(candidate_ids) -> dict:
    """{(candidate id, scheme): (sex, race or ethnicity)}, "declined" and blanks as unknown."""
    answers = {}
    ids = list(candidate_ids)
    for start in range(0, len(ids), 2000):
        rows = SelfIdentification.objects.filter(candidate_id__in=ids[start : start + 2000]).only(
            "id", "candidate_id", "scheme", "sex", "race_ethnicity"
        )
        for row in rows:
            answers[(row.candidate_id, row.scheme)] = (_known(row.sex), _known(row.race_ethnicity))
    return answers


def _known(value) -> str:
    value = str(value or "")
    return value if value and value != categories.DECLINED else categories.UNKNOWN


def tool_applicants(provider: str) -> list[Applicant]:
    """Every application the tool assessed, with its score, outcome and categories."""
    return assessed_applicants(
        AIAssessment.objects.filter(interview__provider=provider, interview__kind=Interview.Kind.AI_VIDEO)
    )


def assessed_applicants(assessments) -> list[Applicant]:
    """The applications of `assessments` (a queryset of AI assessments), once each."""
    assessed = assessments.values_list(
        "interview__application_id",
        "interview__application__candidate_id",
        "interview__application__position_id",
        "interview__application__position__region",
        "interview__application__stage",
        "interview__starts_at",
        "overall_score",
    ).iterator(chunk_size=5000)
    by_application: dict = {}
    scores: dict = defaultdict(list)
    for app, candidate, position, region, stage, starts_at, score in assessed:
        first = by_application.get(app)
        if first is None or starts_at < first[4]:
            by_application[app] = (candidate, position, region, stage, starts_at)
        scores[app].append(Decimal(score))
    reached = set(
        StageChange.objects.filter(
            application_id__in=list(by_application), to_stage__in=ADVANCED_STAGES
        ).values_list("application_id", flat=True)
    )
    later_by_person: dict = defaultdict(list)
    for app, starts_at in (
        Interview.objects.filter(application_id__in=list(by_application))
        .exclude(kind=Interview.Kind.AI_VIDEO)
        .exclude(status=Interview.Status.CANCELLED)
        .values_list("application_id", "starts_at")
    ):
        later_by_person[app].append(starts_at)
    answers = _answers({row[0] for row in by_application.values()})
    applicants = []
    for app, (candidate, position, region, stage, starts_at) in by_application.items():
        if app in reached or stage in ADVANCED_STAGES or any(t > starts_at for t in later_by_person[app]):
            outcome = "advanced"
        elif stage == Stage.REJECTED:
            outcome = "not_advanced"
        else:
            outcome = "pending"
        scheme = categories.scheme_for(region)
        sex, race = answers.get((candidate, scheme), (categories.UNKNOWN, categories.UNKNOWN))
        if scheme != categories.US_EEO1:
            race = categories.UNKNOWN
        both = f"{sex}|{race}" if categories.UNKNOWN not in (sex, race) else categories.UNKNOWN
        score = float(sum(scores[app]) / len(scores[app]))
        applicants.append(
            Applicant(
                position,
                score,
                outcome,
                {"sex": sex, "race_ethnicity": race, "intersectional": both},
                hired=stage == Stage.HIRED,
            )
        )
    return applicants


def _order(dimension: str) -> list[str]:
    sexes = [value for value in categories.SEX if value != categories.DECLINED]
    races = [value for value in categories.RACE_ETHNICITY if value != categories.DECLINED]
    if dimension == "sex":
        return sexes
    if dimension == "race_ethnicity":
        return races
    return [f"{sex}|{race}" for sex in sexes for race in races]


def figures_of(applicants: list[Applicant]) -> dict:
    """The figures of a scope: for each dimension, the selection and scoring rows
    (`analytics.fairness.statistics.impact_rows`) and the unknown counted apart."""
    small_n, small_cell = settings.HRSUITE_FAIRNESS_SMALL_N, settings.HRSUITE_FAIRNESS_SMALL_CELL
    middle = statistics.median(a.score for a in applicants)
    result = {
        "applicants": len(applicants),
        "advanced": sum(a.outcome == "advanced" for a in applicants),
        "not_advanced": sum(a.outcome == "not_advanced" for a in applicants),
        "pending": sum(a.outcome == "pending" for a in applicants),
        "median": middle,
        "small_n": small_n,
        "small_cell": small_cell,
        "dimensions": {},
    }
    for dimension in DIMENSIONS:
        applied, decided, advanced, above = (defaultdict(int) for _ in range(4))
        for a in applicants:
            category = a.categories[dimension]
            applied[category] += 1
            if a.outcome != "pending":
                decided[category] += 1
                advanced[category] += a.outcome == "advanced"
            above[category] += middle is not None and a.score > middle
        present = [c for c in _order(dimension) if applied[c]]
        unknown = categories.UNKNOWN
        result["dimensions"][dimension] = {
            "applicants": {c: applied[c] for c in present},
            "selection": statistics.impact_rows(
                {c: (decided[c], advanced[c]) for c in present if decided[c]},
                small_n=small_n,
                small_cell=small_cell,
            ),
            "scoring": statistics.impact_rows(
                {c: (applied[c], above[c]) for c in present}, small_n=small_n, small_cell=small_cell
            ),
            "unknown": {
                "applicants": applied[unknown],
                "decided": decided[unknown],
                "advanced": advanced[unknown],
                "scored_above": above[unknown],
            },
        }
    return result


def tool_compute(provider: str, *, now) -> None:
    """Computes the tool and each of its positions, one row each (made when missing)."""
    applicants = tool_applicants(provider)
    scopes = {tool_scope(provider): (None, applicants)}
    by_position: dict = defaultdict(list)
    for applicant in applicants:
        by_position[applicant.position_id].append(applicant)
    positions = Position.objects.in_bulk(list(by_position))
    for position_id, rows in by_position.items():
        scopes[position_scope(provider, position_id)] = (positions[position_id], rows)
    for scope, (position, rows) in scopes.items():
        FairnessResult.objects.update_or_create(
            scope=scope,
            defaults={
                "provider": provider,
                "position": position,
                "figures": figures_of(rows),
                "computed_at": now,
                "applicants": len(rows),
            },
        )
    logger.info("Impact ratios of %s computed: %d scopes", provider, len(scopes))
