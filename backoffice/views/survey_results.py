"""HR's page of the candidate survey's results next to the completion rates, by region (a chart
with its table beside it), and by region, provider and kind (a table and its CSV export)
(docs/architecture.md, "Candidate survey").

The figures are computed in the background and kept (`interviews.services.survey_results`): the
page reads the kept rows; nothing is computed here."""

import csv
import io
from types import SimpleNamespace

from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hrsuite.downloads import attachment
from hrsuite.models import choice_labels
from hrsuite.pages import role_required
from hrsuite.roles import Role
from hrsuite.templating.charts import interval_chart
from interviews.models import Interview
from interviews.services.survey_results import min_n
from interviews.survey_models import SURVEY_SCALE, SurveyResult
from interviews.survey_selectors import survey_results_for

HR = (Role.RECRUITER, Role.HR_ADMIN)


def _figure(value, places: int = 2) -> str:
    return "—" if value is None else number_format(round(value, places) + 0.0, places)


def _percent(share) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _mean(row: SurveyResult, name: str) -> dict:
    mean = getattr(row, f"{name}_mean")
    if mean is None:
        return {"enough": False, "n": getattr(row, f"{name}_n")}
    low, high = getattr(row, f"{name}_low"), getattr(row, f"{name}_high")
    return {
        "enough": True,
        "n": getattr(row, f"{name}_n"),
        "mean": _figure(mean),
        "interval": f"[{_figure(low)}, {_figure(high)}]",
    }


def survey_row(row: SurveyResult, kinds: dict | None = None) -> dict:
    """A kept row as the tables show it (the dashboard's too)."""
    kinds = kinds if kinds is not None else choice_labels(Interview.Kind)
    return {
        "row": row,
        "kind": kinds.get(row.kind, row.kind),
        "answer_share": _percent(row.answer_share),
        "overall": _mean(row, "overall"),
        "fairness": _mean(row, "fairness"),
        "technical_share": _percent(row.technical_share),
        "completion": _percent(row.completion_rate),
    }


def _chart(rows: list[SurveyResult]) -> str:
    low, high = SURVEY_SCALE
    lines = []
    for row in rows:
        points = [
            (row.overall_mean, row.overall_low, row.overall_high) if row.overall_mean is not None else None,
            (row.fairness_mean, row.fairness_low, row.fairness_high)
            if row.fairness_mean is not None
            else None,
        ]
        note = _("not enough answers (%(n)d of %(min)d)") % {"n": row.answered, "min": max(min_n(), 2)}
        lines.append((row.region or "—", points, note))
    return interval_chart(
        lines,
        title=_("Survey means by region, with %(level)s intervals") % {"level": "95%"},
        series=[_("Overall"), _("Treated fairly")],
        ticks=tuple(range(low, high + 1)),
        scale=(low, high),
    )


@role_required(*HR)
@require_GET
def survey_results_page(request):
    rows = list(survey_results_for(user=request.user))
    kinds = choice_labels(Interview.Kind)
    by_level = {level: [r for r in rows if r.level == level] for level in SurveyResult.Level.values}
    regions = by_level[SurveyResult.Level.REGION]
    everything = by_level[SurveyResult.Level.ALL]
    context = {
        "computed_at": rows[0].computed_at if rows else None,
        "since": rows[0].since if rows else None,
        "min_n": min_n(),
        "chart": _chart(regions) if regions else "",
        "regions": [survey_row(r, kinds) for r in regions],
        "completion_bars": [
            SimpleNamespace(
                label=r.region or "—",
                percent=round((r.completion_rate or 0) * 100),
                tone="",
                value=_percent(r.completion_rate),
            )
            for r in regions
        ],
        "groups": [survey_row(r, kinds) for r in by_level[SurveyResult.Level.GROUP]],
        "providers": [survey_row(r, kinds) for r in by_level[SurveyResult.Level.PROVIDER]],
        "kinds": [survey_row(r, kinds) for r in by_level[SurveyResult.Level.KIND]],
        "everything": survey_row(everything[0], kinds) if everything else None,
    }
    return render(request, "hr/survey_results.html", context)


_EXPORT_COLUMNS = [
    "level",
    "region",
    "provider",
    "kind",
    "sent",
    "answered",
    "overall_n",
    "overall_mean",
    "overall_low",
    "overall_high",
    "fairness_n",
    "fairness_mean",
    "fairness_low",
    "fairness_high",
    "technical_problems",
    "technical_share",
    "scheduled",
    "completed",
    "completion_rate",
    "note",
    "since",
    "computed_at",
]


def _plain(value) -> str:
    return "" if value is None else repr(float(value)) if isinstance(value, float) else str(value)


@role_required(*HR)
@require_GET
def survey_results_export(request):
    """Every kept row as CSV, numbers in full; a mean below the minimum n left empty, as on the page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_EXPORT_COLUMNS)
    for row in survey_results_for(user=request.user):
        writer.writerow(
            [
                row.level,
                row.region,
                row.provider,
                row.kind,
                row.sent,
                row.answered,
                row.overall_n,
                *(_plain(getattr(row, f"overall_{k}")) for k in ("mean", "low", "high")),
                row.fairness_n,
                *(_plain(getattr(row, f"fairness_{k}")) for k in ("mean", "low", "high")),
                row.technical_problems,
                _plain(row.technical_share),
                row.scheduled,
                row.completed,
                _plain(row.completion_rate),
                "" if row.overall_mean is not None else "not enough answers",
                row.since.isoformat(),
                row.computed_at.isoformat(),
            ]
        )
    return attachment(
        out.getvalue().encode(), content_type="text/csv; charset=utf-8", filename="survey-results.csv"
    )
