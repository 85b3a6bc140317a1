"""HR's analytics pages: the validity of the interviews against hires' later performance, and the
upload of a file of ratings (docs/architecture.md, "Later performance and validity").

The figures are computed in the background and kept (`analytics.services.validity`): a page reads
one row by key and formats it; no page computes a statistic. Recruiters upload ratings; HR admins
read the same pages without the form.
"""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics import selectors
from analytics.models import ValidityResult
from analytics.ratings_csv import read_ratings_file
from analytics.services.ratings import ImportRefused, performance_ratings_import
from analytics.services.validity import AI, OVERALL
from analytics.services.weights import suggested_weights_adopt
from candidates.dimensions import dimension_label
from hrsuite import uploads
from hrsuite.downloads import attachment
from hrsuite.errors import ValidationFailed
from hrsuite.pages import PAGE_SIZE, role_required, url_for_each
from hrsuite.permissions import has_role
from hrsuite.roles import Role
from hrsuite.templating.charts import interval_chart

HR = (Role.RECRUITER, Role.HR_ADMIN)
_SOURCES = {AI: gettext_lazy("AI score"), "human": gettext_lazy("Interviewers' rating")}
# The chart's labels, shorter.
_SOURCES_SHORT = {AI: gettext_lazy("AI"), "human": gettext_lazy("Interviewers")}


def _may_act(request) -> bool:
    return has_role(request.user, Role.RECRUITER)


def _scope_name(row: ValidityResult) -> str:
    if row.kind == ValidityResult.Kind.POSITION and row.position is not None:
        return row.position.title
    return _("%(department)s (all its positions)") % {"department": row.department}


# --- The list of scopes ----------------------------------------------------------------------------


@role_required(*HR)
@require_GET
def analytics_home(request):
    """Every position and department with figures, department by department, paged."""
    page = Paginator(selectors.validity_results_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    url = url_for_each("hr-validity")
    rows = [{"row": row, "name": _scope_name(row), "url": url(row.pk)} for row in page.object_list]
    context = {"page": page, "rows": rows, "may_act": _may_act(request)}
    return render(request, "hr/analytics.html", context)


# --- One scope's validity --------------------------------------------------------------------------


def _figure(value, places: int = 2) -> str:
    """A figure rounded to `places` (Django's number_format cuts the digits past them off)."""
    # Adding 0.0 turns a -0.0 left by rounding into 0.0: "-0.00" reads as a negative figure.
    return "—" if value is None else number_format(round(value, places) + 0.0, places)


def _p(value) -> str:
    if value is None:
        return "= —"
    return "< 0.001" if value < 0.001 else f"= {_figure(value, 3)}"


def _dimension_name(name: str, labels: dict) -> str:
    return _("Overall") if name == OVERALL else dimension_label(name, labels)


def _table_row(row: dict, labels: dict) -> dict:
    """A figure row as the table shows it."""
    shown = {
        "source": _SOURCES_SHORT[row["source"]],
        "dimension": _dimension_name(row["dimension"], labels),
        "n": row["n"],
        "enough": row["enough"],
        "constant": row.get("constant", False),
    }
    for method in ("pearson", "spearman"):
        figure = row.get(method)
        shown[method] = figure and {
            "r": _figure(figure["r"]),
            "interval": f"[{_figure(figure['low'])}, {_figure(figure['high'])}]",
            "p": _p(figure["p"]),
        }
    shown["sd_ratio"] = _figure(row.get("sd_ratio")) if row.get("sd_ratio") is not None else ""
    return shown


def _chart(figures: dict, labels: dict) -> str:
    rows = []
    for row in figures["rows"]:
        label = f"{_SOURCES_SHORT[row['source']]} · {_dimension_name(row['dimension'], labels)}"
        points = [
            (row[m]["r"], row[m]["low"], row[m]["high"]) if row.get(m) else None
            for m in ("pearson", "spearman")
        ]
        if not row["enough"]:
            note = _("not enough hires yet (%(n)d of %(min)d)") % {"n": row["n"], "min": figures["min_n"]}
        else:
            note = _("no variation: no correlation")
        rows.append((label, points, note))
    return interval_chart(
        rows,
        title=_("Correlation with later performance, with %(level)s intervals") % {"level": "95%"},
        series=[_("Pearson's r"), _("Spearman's ρ")],  # noqa: RUF001 - the letter statistics name it by
    )


def _weights(weights: dict | None, labels: dict) -> dict | None:
    if not weights:
        return None
    shown = {"n": weights["n"], "enough": weights["enough"], "rows": [], "gain": None, "none": False}
    if not weights["enough"]:
        return shown
    suggested = weights.get("suggested")
    shown["none"] = suggested is None
    for i, name in enumerate(weights["names"]):
        shown["rows"].append(
            {
                "dimension": _dimension_name(name, labels),
                "current": _figure(weights["current"][i] * 100, 0) + "%",
                "suggested": "—" if suggested is None else _figure(suggested[i] * 100, 0) + "%",
            }
        )
    gain = weights.get("gain")
    if gain:
        shown["gain"] = {
            "suggested_r": _figure(gain["suggested_r"]),
            "current_r": _figure(gain["current_r"]),
            "difference": _figure(gain["difference"]),
            "interval": f"[{_figure(gain['low'])}, {_figure(gain['high'])}]",
        }
    return shown


def _result(request, pk) -> ValidityResult:
    try:
        return selectors.validity_result_for(user=request.user).get(pk=pk)
    except ValidityResult.DoesNotExist:
        raise Http404 from None


@role_required(*HR)
@require_GET
def validity_page(request, pk):
    """A scope's figures as beat last computed them: the share of hires, a chart of the
    correlations with their intervals and the table beside it, the suggested weights."""
    row = _result(request, pk)
    figures = row.figures
    labels = selectors.dimension_labels_of(row) if figures else {}
    context = {
        "row": row,
        "name": _scope_name(row),
        "figures": figures,
        "shares": figures and figures["shares"],
        "hire_percent": figures and _percent(figures["shares"]["hire_share"]),
        "not_hired_percent": figures
        and figures["shares"]["hire_share"] is not None
        and _percent(1 - figures["shares"]["hire_share"]),
        "table": figures and [_table_row(r, labels) for r in figures["rows"]],
        "chart": figures and _chart(figures, labels),
        "weights": figures and _weights(figures.get("weights"), labels),
        "is_department": row.kind == ValidityResult.Kind.DEPARTMENT,
    }
    if row.position is not None:
        fitted = ((figures or {}).get("weights") or {}).get("weights_version")
        context["versions"] = selectors.weight_versions_of(row.position, user=request.user)
        context["weights_current"] = fitted == row.position.weights_version
        context["may_adopt"] = _may_act(request) and context["weights_current"]
    return render(request, "hr/validity.html", context)


@role_required(*HR)
@require_POST
def validity_adopt(request, pk):
    """A recruiter makes the suggested weights the position's next version of its weights."""
    if not _may_act(request):
        raise PermissionDenied
    row = _result(request, pk)
    try:
        position = suggested_weights_adopt(result=row, actor=request.user)
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The suggested weights are adopted as version %(version)d of the position's weights.")
            % {"version": position.weights_version},
        )
    return redirect("hr-validity", pk=row.pk)


def _percent(share) -> str:
    return "—" if share is None else _figure(share * 100, 0) + "%"


_EXPORT_COLUMNS = [
    "scope",
    "source",
    "dimension",
    "n",
    "pearson_r",
    "pearson_low",
    "pearson_high",
    "pearson_p",
    "spearman_rho",
    "spearman_low",
    "spearman_high",
    "spearman_p",
    "sd_ratio",
    "note",
    "computed_at",
]


def _plain(value) -> str:
    return "" if value is None else repr(float(value)) if isinstance(value, float) else str(value)


@role_required(*HR)
@require_GET
def validity_export(request, pk):
    """The table of a scope's figures as CSV: numbers in full, a row below the minimum n without
    any, as on the page."""
    row = _result(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_EXPORT_COLUMNS)
    figures = row.figures or {"rows": [], "min_n": None}
    for figure in figures["rows"]:
        pearson, spearman = figure.get("pearson") or {}, figure.get("spearman") or {}
        note = "" if figure["enough"] else "not enough hires yet"
        if figure["enough"] and figure.get("constant"):
            note = "no variation"
        writer.writerow(
            [
                row.scope,
                figure["source"],
                figure["dimension"],
                figure["n"],
                *(_plain(pearson.get(k)) for k in ("r", "low", "high", "p")),
                *(_plain(spearman.get(k)) for k in ("r", "low", "high", "p")),
                _plain(figure.get("sd_ratio")),
                note,
                row.computed_at.isoformat() if row.computed_at else "",
            ]
        )
    return attachment(
        out.getvalue().encode(),
        content_type="text/csv; charset=utf-8",
        filename=f"validity-{row.pk.hex[:12]}.csv",
    )


# --- Uploading a file of ratings -------------------------------------------------------------------


@role_required(*HR)
@require_http_methods(["GET", "POST"])
def ratings_upload(request):
    """A recruiter uploads a CSV file of ratings: stored whole, or, with any error, not at all,
    and the report lists every error by row and column."""
    report, error_message, status = [], "", 200
    if request.method == "POST":
        if not _may_act(request):
            raise PermissionDenied
        try:
            upload = request.FILES.get("file")
            uploads.refuse_oversize(request)
            rows, columns = read_ratings_file(upload)
            stored = performance_ratings_import(rows=rows, actor=request.user, columns=columns)
        except ImportRefused as refused:
            report, error_message, status = refused.report, refused.message, refused.status_code
        except ValidationFailed as refused:
            # The file itself: missing, too large, not UTF-8 text, too many rows.
            error_message = " ".join([refused.message, *(m for ms in refused.fields.values() for m in ms)])
            status = refused.status_code
        else:
            messages.success(
                request,
                _("%(count)d ratings saved. The figures are computed again within minutes.")
                % {"count": len(stored)},
            )
            return redirect("hr-ratings-upload")
    context = {"report": report, "error_message": error_message, "may_act": _may_act(request)}
    return render(request, "hr/ratings_upload.html", context, status=status)
