"""Compliance's fairness pages: the AI interview tools' impact ratios, bias audits and their
downloads, Illinois' yearly report (docs/architecture.md, "Fairness").

The figures are computed in the background and kept (`analytics.services.fairness`): a page
reads rows by key and formats them; no page computes a ratio. Only compliance opens these pages:
recruiters and HR admins never read self-identification, not even as counts.
"""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from analytics import selectors
from analytics.fairness import categories
from analytics.fairness.statistics import FOUR_FIFTHS
from analytics.models import BiasAudit, FairnessResult
from analytics.services import bias_audits, illinois
from analytics.services.fairness import DIMENSIONS, fairness_ask
from hrsuite.downloads import attachment
from hrsuite.errors import ApplicationError
from hrsuite.pages import role_required, url_for_each
from hrsuite.permissions import has_role
from hrsuite.roles import Role
from hrsuite.templating.charts import ratio_chart
from interviews.providers import names as providers_available

COMPLIANCE = (Role.COMPLIANCE,)
# The figures and the audits are numbers by category: HR reads them beside compliance, who alone
# asks for figures, makes audits and downloads Illinois' report (docs/architecture.md, "Fairness").
READERS = (Role.COMPLIANCE, Role.RECRUITER, Role.HR_ADMIN)
_METHODS = {
    "selection": gettext_lazy("Selection rate: advanced past the AI interview"),
    "scoring": gettext_lazy("Scoring rate: AI score above the median"),
}
_DIMENSIONS = {
    "sex": gettext_lazy("Sex"),
    "race_ethnicity": gettext_lazy("Race or ethnicity"),
    "intersectional": gettext_lazy("Sex and race or ethnicity"),
}


def _figure(value, places: int = 2) -> str:
    return "—" if value is None else number_format(round(value, places) + 0.0, places)


def _p(value) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else _figure(value, 3)


def _category(dimension: str, category: str) -> str:
    if dimension == "intersectional" and category != categories.UNKNOWN:
        sex, race = category.split("|")
        return f"{categories.label('sex', sex)} / {categories.label('race_ethnicity', race)}"
    return categories.label(dimension, category)


def _scope_name(row: FairnessResult) -> str:
    if row.position is not None:
        return _("%(tool)s · %(position)s (%(region)s)") % {
            "tool": row.provider,
            "position": row.position.title,
            "region": row.position.region,
        }
    return _("%(tool)s (all positions)") % {"tool": row.provider}


@role_required(*READERS)
@require_GET
def fairness_home(request):
    """Each tool's figures and its positions', its latest audit, the audits made, and the forms
    to ask for figures, make an audit and download Illinois' report."""
    return render(request, "hr/fairness.html", _home(request, year=timezone.localdate().year - 1))


def _home(request, *, year, year_error: str = "") -> dict:
    url = url_for_each("hr-fairness-scope")
    results = list(selectors.fairness_results_for(user=request.user)[:200])
    audits = list(selectors.bias_audits_for(user=request.user)[:50])
    today = timezone.localdate()
    tools = []
    for provider in providers_available():
        until = bias_audits.audit_valid_until(provider)
        tools.append({"provider": provider, "valid_until": until, "expired": until is None or until < today})
    return {
        "rows": [{"row": row, "name": _scope_name(row), "url": url(row.pk)} for row in results],
        "audits": audits,
        "tools": tools,
        "year": year,
        "year_error": year_error,
        "regions": settings.HRSUITE_BIAS_AUDIT_REGIONS,
        "may_act": has_role(request.user, Role.COMPLIANCE),
    }


def _result(request, pk) -> FairnessResult:
    try:
        return (
            selectors.fairness_result_detail_queryset(user=request.user)
            .filter(pk__in=selectors.fairness_results_for(user=request.user).values("pk"))
            .get(pk=pk)
        )
    except FairnessResult.DoesNotExist:
        raise Http404 from None


def _table(figures: dict, method: str, dimension: str) -> dict:
    table = figures["dimensions"][dimension]
    rows = []
    for row in table[method]:
        hidden = row["small_cell"]
        rows.append(
            {
                "name": _category(dimension, row["category"]),
                "applicants": row["applicants"],
                "hits": "—" if hidden else row["hits"],
                "rate": "—" if hidden else _figure(row["rate"], 3),
                "ratio": "—" if hidden else _figure(row["ratio"], 3),
                "flag": row["flag"],
                "small_sample": row["small_sample"],
                "small_cell": hidden,
                "highest": row["highest"],
                "p": "—" if hidden else _p(row["p"]),
                "value": None if hidden else row["ratio"],
            }
        )
    unknown = table["unknown"]
    chart = ratio_chart(
        [(r["name"], r["value"], _("too few to show")) for r in rows],
        title=f"{_METHODS[method]} · {_DIMENSIONS[dimension]}",
        threshold=FOUR_FIFTHS,
        threshold_label="0.8",
    )
    return {
        "method": _METHODS[method],
        "dimension": _DIMENSIONS[dimension],
        "rows": rows,
        "unknown": unknown["decided"] if method == "selection" else unknown["applicants"],
        "chart": chart,
        "key": f"{method}-{dimension}",
    }


@role_required(*READERS)
@require_GET
def fairness_scope(request, pk):
    """A scope's impact ratios as beat last computed them: per method and dimension, a chart with
    the 0.8 line and the table beside it."""
    row = _result(request, pk)
    figures = row.figures
    tables = []
    if figures:
        tables = [_table(figures, method, dimension) for method in _METHODS for dimension in DIMENSIONS]
    context = {"row": row, "name": _scope_name(row), "figures": figures, "tables": tables}
    return render(request, "hr/fairness_scope.html", context)


_EXPORT_COLUMNS = [
    "scope",
    "method",
    "dimension",
    "category",
    "applicants",
    "selected_or_scored_above",
    "rate",
    "impact_ratio",
    "below_four_fifths",
    "small_sample",
    "small_cell",
    "fisher_p",
    "computed_at",
]


def _plain(value) -> str:
    return "" if value is None else repr(float(value))


@role_required(*READERS)
@require_GET
def fairness_export(request, pk):
    """A scope's figures as CSV: numbers in full, a small cell without its rate, as on the page."""
    row = _result(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_EXPORT_COLUMNS)
    figures = row.figures or {"dimensions": {}}
    when = row.computed_at.isoformat() if row.computed_at else ""
    for dimension, table in figures["dimensions"].items():
        for method in _METHODS:
            for r in table[method]:
                hidden = r["small_cell"]
                writer.writerow(
                    [
                        row.scope,
                        method,
                        dimension,
                        r["category"],
                        r["applicants"],
                        "" if hidden else r["hits"],
                        "" if hidden else _plain(r["rate"]),
                        "" if hidden else _plain(r["ratio"]),
                        "yes" if r["flag"] else "no",
                        "yes" if r["small_sample"] else "no",
                        "yes" if hidden else "no",
                        "" if hidden else _plain(r["p"]),
                        when,
                    ]
                )
            unknown = table["unknown"]
            denominator = unknown["decided"] if method == "selection" else unknown["applicants"]
            hits = unknown["advanced"] if method == "selection" else unknown["scored_above"]
            writer.writerow(
                [row.scope, method, dimension, categories.UNKNOWN, denominator, hits, *[""] * 6, when]
            )
    return attachment(
        out.getvalue().encode(),
        content_type="text/csv; charset=utf-8",
        filename=f"fairness-{row.pk.hex[:12]}.csv",
    )


def _provider(request) -> str:
    provider = request.POST.get("provider", "")
    if provider not in providers_available():
        raise Http404
    return provider


@role_required(*COMPLIANCE)
@require_POST
def fairness_compute(request):
    """Ask beat for a tool's figures now (before an audit, say)."""
    provider = _provider(request)
    fairness_ask(provider)
    messages.success(
        request,
        _("The figures of %(tool)s are being computed; they appear within minutes.") % {"tool": provider},
    )
    return redirect("hr-fairness")


@role_required(*COMPLIANCE)
@require_POST
def bias_audit_create(request):
    """A bias audit of a tool from its latest figures, dated today."""
    provider = _provider(request)
    try:
        audit = bias_audits.bias_audit_make(provider=provider, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Bias audit of %(tool)s made, dated %(date)s.") % {"tool": provider, "date": audit.audit_date},
        )
    return redirect("hr-fairness")


@role_required(*READERS)
@require_GET
def bias_audit_download(request, pk, kind):
    """An audit's PDF or CSV, as published; each download is an `export` event."""
    if kind not in ("pdf", "csv"):
        raise Http404
    try:
        audit = selectors.bias_audit_for(user=request.user).get(pk=pk)
    except BiasAudit.DoesNotExist:
        raise Http404 from None
    content = bias_audits.bias_audit_download(audit=audit, kind=kind, actor=request.user)
    content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    return attachment(
        content, content_type=content_type, filename=f"bias-audit-{audit.provider}-{audit.audit_date}.{kind}"
    )


@role_required(*COMPLIANCE)
@require_GET
def illinois_report(request):
    """Illinois' yearly report of a year (`year`, by default the last) as CSV; the fairness page
    with the year's error (400) for a year that is not one from 2000 to 2100."""
    given = request.GET.get("year", "").strip()
    # Four ASCII digits at most: int() takes full-width digits, and refuses (ValueError) past 4,300.
    year = int(given) if given.isascii() and given.isdigit() and len(given) <= 4 else None
    if not given:
        year = timezone.localdate().year - 1
    elif year is None or not 2000 <= year <= 2100:
        problem = _("Give a year from 2000 to 2100.")
        return render(request, "hr/fairness.html", _home(request, year=given, year_error=problem), status=400)
    content = illinois.illinois_export(year=year, actor=request.user)
    return attachment(
        content, content_type="text/csv; charset=utf-8", filename=f"illinois-ai-video-{year}.csv"
    )
