"""The validity figures, computed in the background and kept (docs/architecture.md, "Later
performance and validity").

A department is computed whole, its positions and itself as their group, in one pass over its
data: the hires' later performance (the mean of their overall ratings over every period rated),
the AI's dimension scores and the interviewers' scorecard ratings of every assessed applicant,
and which applicants were hired. Each scope's figures are one `ValidityResult` row, which the
pages read by key: no page computes a figure.

Beat's `validity-refresh` computes a department when a rating asked for it (`validity_ask`), when
its row has no figures yet, and every HRSUITE_VALIDITY_REFRESH_HOURS (new hires, scores and
erasures change the figures too). A run claims a row before computing it (`computing_since`,
taken over after a while from a run that died, `kept_rows_refresh`), so runs that overlap
compute each once.

The computation reads every rating of the department as the system does, the way the dashboard
counts: it keeps numbers only, no candidate's id, and no figure at all below the minimum n.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import numpy as np
from django.conf import settings
from django.utils import timezone

from analytics import statistics
from analytics.models import PerformanceRating, ValidityResult
from analytics.services.kept import kept_rows_refresh
from candidates.models import Application, Position, Stage
from interviews.models import AIAssessment, AIDimensionScore, Scorecard

logger = logging.getLogger(__name__)

# Departments computed by one run at most; the rest wait for the next (a minute later).
RUN_LIMIT = 20
OVERALL = "overall"
AI, HUMAN = "ai", "human"
# Within a department, a position's hires are standardised among themselves before they are
# pooled: it needs this many to have a spread.
POOLED_FROM = 3


def department_scope(department: str) -> str:
    return f"department:{department}"


def position_scope(position_id) -> str:
    return f"position:{position_id}"


def validity_ask(departments) -> None:
    """Ask beat to compute these departments again (new ratings): their rows marked now, made
    when missing. Inside the caller's transaction, so a rolled-back rating asks nothing."""
    now = timezone.now()
    for department in departments:
        scope = department_scope(department)
        if not ValidityResult.objects.filter(scope=scope).update(asked_at=now):
            ValidityResult.objects.bulk_create(
                [
                    ValidityResult(
                        scope=scope, kind=ValidityResult.Kind.DEPARTMENT, department=department, asked_at=now
                    )
                ],
                ignore_conflicts=True,
            )


def min_n() -> int:
    return settings.HRSUITE_VALIDITY_MIN_N


def validity_refresh(*, now=None) -> list[str]:
    """Computes the departments due (asked for, never computed, or computed longer ago than the
    refresh period), RUN_LIMIT at most; returns their scopes."""
    now = now or timezone.now()
    _ask_for_rated_departments_without_row()
    computed = kept_rows_refresh(
        ValidityResult.objects.filter(kind=ValidityResult.Kind.DEPARTMENT),
        key="department",
        compute=department_compute,
        now=now,
        stale=now - timedelta(hours=settings.HRSUITE_VALIDITY_REFRESH_HOURS),
        limit=RUN_LIMIT,
    )
    return [department_scope(department) for department in computed]


def _ask_for_rated_departments_without_row() -> None:
    """Ratings that came in without a service's ask (loaded in bulk) still get computed."""
    rated = set(
        Position.objects.filter(applications__performance_ratings__isnull=False)
        .values_list("department", flat=True)
        .distinct()
    )
    known = set(
        ValidityResult.objects.filter(kind=ValidityResult.Kind.DEPARTMENT).values_list(
            "department", flat=True
        )
    )
    if rated - known:
        validity_ask(sorted(rated - known))


# --- Reading a department ------------------------------------------------------------------------


def _number(value) -> float | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return float(number) if number.is_finite() else None


def _mean_by(pairs) -> dict:
    """{key: mean of its values} from (key, value) pairs, values that are not numbers left out."""
    sums: dict = defaultdict(float)
    counts: dict = defaultdict(int)
    for key, value in pairs:
        number = _number(value)
        if number is not None:
            sums[key] += number
            counts[key] += 1
    return {key: sums[key] / counts[key] for key in sums}


class _Department:
    """A department's data, as numbers by application."""

    def __init__(self, department: str):
        in_department = {"application__position__department": department}
        self.positions = {
            p.pk: p
            for p in Position.objects.filter(department=department).only(
                "id", "dimension_weights", "weights_version"
            )
        }
        self.position_of: dict = {}
        self.hired: set = set()
        for pk, position_id, stage in (
            Application.objects.filter(position__department=department)
            .values_list("pk", "position_id", "stage")
            .iterator(chunk_size=5000)
        ):
            self.position_of[pk] = position_id
            if stage == Stage.HIRED:
                self.hired.add(pk)
        # Later performance: each hire's mean overall rating (an erased hire's read as erased: left out).
        ratings = (
            PerformanceRating.objects.filter(**in_department, application__stage=Stage.HIRED)
            .only("id", "application_id", "rating")
            .iterator(chunk_size=2000)
        )
        self.performance = _mean_by((rating.application_id, rating.rating) for rating in ratings)
        # The AI's scores per dimension, and overall, of every assessed applicant (an application
        # assessed twice: the mean).
        ai_rows = (
            AIDimensionScore.objects.filter(
                **{f"assessment__interview__{k}": v for k, v in in_department.items()}
            )
            .values_list("assessment__interview__application_id", "dimension", "score")
            .iterator(chunk_size=5000)
        )
        self.ai = _by_dimension(((app, dimension), score) for app, dimension, score in ai_rows)
        overall = (
            AIAssessment.objects.filter(**{f"interview__{k}": v for k, v in in_department.items()})
            .values_list("interview__application_id", "overall_score")
            .iterator(chunk_size=5000)
        )
        self.ai[OVERALL] = _mean_by(overall)
        # The interviewers' submitted ratings per dimension, of the hires (the mean over their
        # scorecards); overall, the mean of a hire's dimensions.
        cards = (
            Scorecard.objects.filter(
                status=Scorecard.Status.SUBMITTED,
                interview__application__position__department=department,
                interview__application__stage=Stage.HIRED,
            )
            .values_list("interview__application_id", "ratings")
            .iterator(chunk_size=5000)
        )
        self.human = _by_dimension(
            ((app, dimension), value)
            for app, ratings in cards
            if isinstance(ratings, dict)
            for dimension, value in ratings.items()
        )
        per_hire: dict = defaultdict(list)
        for values in self.human.values():
            for app, value in values.items():
                per_hire[app].append(value)
        self.human[OVERALL] = {app: sum(values) / len(values) for app, values in per_hire.items()}

    def scores(self, source: str) -> dict[str, dict]:
        return self.ai if source == AI else self.human


def _by_dimension(pairs) -> dict[str, dict]:
    """{dimension: {application: mean}} from ((application, dimension), value) pairs."""
    means = _mean_by(pairs)
    result: dict[str, dict] = defaultdict(dict)
    for (app, dimension), value in means.items():
        result[dimension][app] = value
    return result


# --- The figures ---------------------------------------------------------------------------------


def _dimensions(position: Position) -> list[str]:
    return sorted(position.dimension_weights or {})


def _correlation_row(source: str, dimension: str, x: list, y: list, *, restriction=None) -> dict:
    row = {"source": source, "dimension": dimension, "n": len(x), "enough": len(x) >= min_n()}
    if row["enough"]:
        row.update(statistics.correlation(x, y))
        if restriction is not None:
            row["sd_ratio"] = restriction
    return row


def _sd_ratio(hires: list, everyone: list) -> float | None:
    """How much narrower the AI's scores are among the rated hires than among every assessed
    applicant (standard deviation of the first over the second): the range restriction."""
    if len(everyone) < 2 or len(hires) < 2:
        return None
    spread = float(np.std(everyone, ddof=1))
    return float(np.std(hires, ddof=1)) / spread if spread > 0 else None


def _shares(data: _Department, position_ids: set) -> dict:
    assessed = [app for app in data.ai[OVERALL] if data.position_of.get(app) in position_ids]
    hired = sum(1 for app in assessed if app in data.hired)
    rated = sum(1 for app in data.performance if data.position_of.get(app) in position_ids)
    return {
        "assessed": len(assessed),
        "hired": hired,
        "not_hired": len(assessed) - hired,
        "hire_share": hired / len(assessed) if assessed else None,
        "rated": rated,
    }


def position_figures(data: _Department, position: Position) -> dict:
    rated = [app for app in data.performance if data.position_of.get(app) == position.pk]
    rows = []
    for source in (AI, HUMAN):
        scores = data.scores(source)
        for dimension in [*_dimensions(position), OVERALL]:
            of = scores.get(dimension, {})
            hires = [app for app in rated if app in of]
            x = [of[app] for app in hires]
            y = [data.performance[app] for app in hires]
            restriction = None
            if source == AI:
                everyone = [value for app, value in of.items() if data.position_of.get(app) == position.pk]
                restriction = _sd_ratio(x, everyone)
            rows.append(_correlation_row(source, dimension, x, y, restriction=restriction))
    return {
        "min_n": min_n(),
        "shares": _shares(data, {position.pk}),
        "rows": rows,
        "weights": _weights(data, position, rated),
    }


def _weights(data: _Department, position: Position, rated: list) -> dict:
    names = _dimensions(position)
    complete = [app for app in rated if names and all(app in data.ai.get(name, {}) for name in names)]
    # The version compared against: only those weights may be replaced by the suggestion
    # (`analytics.services.weights`).
    result = {
        "n": len(complete),
        "enough": len(complete) >= min_n(),
        "names": names,
        "weights_version": position.weights_version,
    }
    if result["enough"]:
        scores = [[data.ai[name][app] for name in names] for app in complete]
        performance = [data.performance[app] for app in complete]
        weights = {name: float(w) for name, w in (position.dimension_weights or {}).items()}
        result.update(statistics.weights_fit(scores, performance, weights, names))
    return result


def _pooled(data: _Department, source: str, dimension: str) -> tuple[list, list, int]:
    """The department's pairs of one dimension, each position's standardised among its own hires
    (so a position scored or rated higher throughout does not make a correlation of its own),
    from the positions with POOLED_FROM hires at least; and how many positions gave some."""
    x, y, positions = [], [], 0
    of = data.scores(source).get(dimension, {})
    by_position: dict = defaultdict(list)
    for app, performance in data.performance.items():
        if app in of:
            by_position[data.position_of.get(app)].append((of[app], performance))
    for pairs in by_position.values():
        if len(pairs) < POOLED_FROM:
            continue
        values = statistics.standardised(np.array(pairs))
        x.extend(values[:, 0].tolist())
        y.extend(values[:, 1].tolist())
        positions += 1
    return x, y, positions


def department_figures(data: _Department) -> dict:
    dimensions = sorted({name for position in data.positions.values() for name in _dimensions(position)})
    rows = []
    for source in (AI, HUMAN):
        for dimension in [*dimensions, OVERALL]:
            x, y, positions = _pooled(data, source, dimension)
            row = _correlation_row(source, dimension, x, y)
            row["positions"] = positions
            rows.append(row)
    return {
        "min_n": min_n(),
        "shares": _shares(data, set(data.positions)),
        "rows": rows,
        "positions": len(data.positions),
        "weights": None,
    }


def department_compute(department: str, *, now) -> None:
    """Computes a department and its positions and keeps their figures (one row each, made when
    missing). A position gets a row once a hire of it is rated."""
    data = _Department(department)
    figures = {department_scope(department): (None, department_figures(data))}
    rated_positions = {data.position_of.get(app) for app in data.performance}
    known = set(
        ValidityResult.objects.filter(
            kind=ValidityResult.Kind.POSITION, position__in=list(data.positions)
        ).values_list("position_id", flat=True)
    )
    for position in data.positions.values():
        if position.pk in rated_positions or position.pk in known:
            figures[position_scope(position.pk)] = (position, position_figures(data, position))
    for scope, (position, computed) in figures.items():
        kind = ValidityResult.Kind.POSITION if position else ValidityResult.Kind.DEPARTMENT
        ValidityResult.objects.update_or_create(
            scope=scope,
            defaults={
                "kind": kind,
                "position": position,
                "department": department,
                "figures": statistics.finite(computed),
                "computed_at": now,
                "rated_hires": computed["shares"]["rated"],
            },
        )
    logger.info("Validity of %s computed: %d scopes", department, len(figures))
