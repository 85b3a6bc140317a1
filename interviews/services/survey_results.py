"""The survey's results next to the completion rates, computed in the background and kept
(docs/architecture.md, "Candidate survey").

Beat's `survey-results-refresh` (every 5 minutes) reads, over the last HRSUITE_SURVEY_DAYS, the
surveys sent (by the region, provider and kind they copied from their interview) and the
interviews that started (not cancelled, by their position's region, provider and kind), each in
one GROUP BY, and keeps a `SurveyResult` row per region, provider and kind together, per region,
per provider, per kind, and for everything. Pages and the dashboard read those rows; no request
computes a figure.

Each rating's mean comes with n and, from HRSUITE_SURVEY_MIN_N answers on, its 95% interval by
Student's t (`scipy.stats.t`) over the answers' sample standard deviation; below that, no mean is
kept and the pages say "not enough answers". A group pooled from several (a region) is computed
from the same sums, never from its parts' means. Rows are written with an upsert in one order,
then the groups no longer found deleted: two runs at once both succeed and leave one set of rows.
"""

import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from scipy import stats

from interviews.models import Interview
from interviews.survey_models import InterviewSurvey, SurveyResult

_LEVELS = {
    SurveyResult.Level.GROUP: ("region", "provider", "kind"),
    SurveyResult.Level.REGION: ("region",),
    SurveyResult.Level.PROVIDER: ("provider",),
    SurveyResult.Level.KIND: ("kind",),
    SurveyResult.Level.ALL: (),
}
_SUMS = ("sent", "answered", "technical_problems", "overall_sum", "overall_squares")
_SUMS += ("fairness_sum", "fairness_squares", "scheduled", "completed")


def min_n() -> int:
    return settings.HRSUITE_SURVEY_MIN_N


def mean_interval(n: int, total: float, squares: float) -> tuple[float | None, float | None, float | None]:
    """The mean of n answers from their sum and sum of squares, with its 95% interval by Student's
    t; (None, None, None) below the minimum n. Clipped to the scale's 1 to 5."""
    if n < max(min_n(), 2):
        return None, None, None
    mean = total / n
    variance = max((squares - n * mean * mean) / (n - 1), 0.0)
    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    return mean, max(mean - half, 1.0), min(mean + half, 5.0)


def _survey_sums(since) -> dict[tuple, dict]:
    rows = (
        InterviewSurvey.objects.filter(sent_at__gte=since)
        .values("region", "provider", "kind")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            technical_problems=Count("pk", filter=Q(technical_problems=True)),
            overall_sum=Sum("overall"),
            overall_squares=Sum(F("overall") * F("overall")),
            fairness_sum=Sum("fairness"),
            fairness_squares=Sum(F("fairness") * F("fairness")),
        )
        .order_by()
    )
    return {(row["region"], row["provider"], row["kind"]): row for row in rows}


def _interview_sums(since, until) -> dict[tuple, dict]:
    rows = (
        Interview.objects.filter(starts_at__gte=since, starts_at__lt=until)
        .exclude(status=Interview.Status.CANCELLED)
        .values(region=F("application__position__region"))
        .annotate(provider_name=F("provider"), kind_name=F("kind"))
        .values("region", "provider_name", "kind_name")
        .annotate(scheduled=Count("pk"), completed=Count("pk", filter=Q(status=Interview.Status.COMPLETED)))
        .order_by()
    )
    return {(row["region"], row["provider_name"], row["kind_name"]): row for row in rows}


def survey_results_compute(*, now=None) -> list[SurveyResult]:
    """Every group's figures, now (unsaved rows)."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.HRSUITE_SURVEY_DAYS)
    surveys, interviews = _survey_sums(since), _interview_sums(since, now)
    groups: dict[tuple, dict[str, float]] = defaultdict(lambda: dict.fromkeys(_SUMS, 0))
    for key in surveys.keys() | interviews.keys():
        found = {**surveys.get(key, {}), **interviews.get(key, {})}
        region, provider, kind = key
        values = {"region": region, "provider": provider, "kind": kind}
        for level, names in _LEVELS.items():
            sums = groups[
                (level, *(values[name] if name in names else "" for name in ("region", "provider", "kind")))
            ]
            for name in _SUMS:
                sums[name] += found.get(name) or 0
    results = []
    for (level, region, provider, kind), sums in sorted(groups.items()):
        answered = int(sums["answered"])
        overall = mean_interval(answered, sums["overall_sum"], sums["overall_squares"])
        fairness = mean_interval(answered, sums["fairness_sum"], sums["fairness_squares"])
        results.append(
            SurveyResult(
                level=level,
                region=region,
                provider=provider,
                kind=kind,
                computed_at=now,
                since=since,
                sent=int(sums["sent"]),
                answered=answered,
                overall_n=answered,
                overall_mean=overall[0],
                overall_low=overall[1],
                overall_high=overall[2],
                fairness_n=answered,
                fairness_mean=fairness[0],
                fairness_low=fairness[1],
                fairness_high=fairness[2],
                technical_problems=int(sums["technical_problems"]),
                scheduled=int(sums["scheduled"]),
                completed=int(sums["completed"]),
            )
        )
    return results


_FIGURES = [
    f.name
    for f in SurveyResult._meta.concrete_fields
    if f.name not in ("id", "created_at", "level", "region", "provider", "kind")
]


def survey_results_refresh(*, now=None) -> int:
    """Computes every group and keeps it; returns how many rows are kept."""
    results = survey_results_compute(now=now)
    computed_at = results[0].computed_at if results else (now or timezone.now())
    with transaction.atomic():
        if results:
            SurveyResult.objects.bulk_create(
                results,
                update_conflicts=True,
                unique_fields=["level", "region", "provider", "kind"],
                update_fields=_FIGURES,
            )
        SurveyResult.objects.filter(computed_at__lt=computed_at).delete()
    return len(results)
