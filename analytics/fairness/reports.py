"""A bias audit's published forms: CSV and PDF (docs/architecture.md, "Fairness").

In English, as New York City publishes and reads them: the audit date, the source of the data
and what it is, the tool and when it was first used, the number of applicants per category, the
unknown counted apart, and per category its selection and scoring rates and impact ratios
(DCWP rules, 6 RCNY § 5-301 and § 5-304). Made from a snapshot of the figures, so a report always
reads the same.

The PDF is drawn with fpdf2 (pure Python, no system library, with its core Helvetica font: the
reports are in English, Latin-1 is enough).
"""

import csv
import io

from fpdf import FPDF

from analytics.fairness import categories

METHODS = (
    ("selection", "Selection rate (advanced past the AI interview)"),
    ("scoring", "Scoring rate (AI score above the median)"),
)
DIMENSION_NAMES = {"sex": "Sex", "race_ethnicity": "Race/ethnicity", "intersectional": "Intersectional"}
CSV_COLUMNS = [
    "audit_date",
    "tool",
    "method",
    "dimension",
    "category",
    "applicants",
    "selected_or_scored_above",
    "rate",
    "impact_ratio",
    "below_four_fifths",
    "small_sample",
    "fisher_p",
]


def category_name(dimension: str, category: str) -> str:
    if category == categories.UNKNOWN:
        return "Unknown"
    if dimension == "intersectional":
        sex, race = category.split("|")
        return f"{categories.label('sex', sex)} / {categories.label('race_ethnicity', race)}"
    return categories.label(dimension, category)


def _number(value, places: int = 3) -> str:
    return "" if value is None else f"{value:.{places}f}"


def report_rows(figures: dict):
    """(method, dimension, category name, applicants, hits, rate, ratio, flag, small, p) per row,
    the unknown last in each table, without rate or ratio."""
    for method, _title in METHODS:
        for dimension, name in DIMENSION_NAMES.items():
            table = figures["dimensions"][dimension]
            for row in table[method]:
                shown = not row["small_cell"]
                yield (
                    method,
                    name,
                    category_name(dimension, row["category"]),
                    row["applicants"],
                    row["hits"] if shown else "",
                    _number(row["rate"]) if shown else "",
                    _number(row["ratio"]) if shown else "",
                    "yes" if row["flag"] else "no",
                    "yes" if row["small_sample"] else "no",
                    _number(row["p"], 4) if shown else "",
                )
            unknown = table["unknown"]
            denominator = unknown["decided"] if method == "selection" else unknown["applicants"]
            hits = unknown["advanced"] if method == "selection" else unknown["scored_above"]
            yield (method, name, "Unknown", denominator, hits, "", "", "", "", "")


def audit_csv(*, audit_date, provider: str, figures: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in report_rows(figures):
        writer.writerow([audit_date.isoformat(), provider, *row])
    return out.getvalue()


class _Report(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"Page {self.page_no()}", align="C")


def _text(value) -> str:
    """What Helvetica can draw (Latin-1); anything else as '?'."""
    return str(value).encode("latin-1", "replace").decode("latin-1")


def audit_pdf(*, audit_date, provider: str, source: str, first_used, figures: dict, computed_at) -> bytes:
    pdf = _Report(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Bias audit of an automated employment decision tool", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    facts = [
        ("Audit date", audit_date.isoformat()),
        ("Tool", provider),
        ("Tool first used (distribution date)", first_used.isoformat() if first_used else "-"),
        ("Figures computed at", computed_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Applicants assessed", str(figures["applicants"])),
        (
            "Advanced / not advanced / no outcome yet",
            f"{figures['advanced']} / {figures['not_advanced']} / {figures['pending']}",
        ),
        ("Median AI score", _number(figures.get("median"), 2)),
    ]
    for name, value in facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(75, 6, _text(name))
        pdf.set_font("Helvetica", size=10)
        pdf.cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Source data", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, _text(source), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        5,
        _text(
            "Impact ratio: a category's rate over the highest category's rate. Ratios under 0.80 "
            "(four-fifths rule) are flagged. 'Unknown' (no answer, 'prefer not to say', or not asked "
            f"in the position's region) is counted apart and left out of the ratios. Categories of fewer "
            f"than {figures['small_n']} applicants carry a small-sample warning; of fewer than "
            f"{figures['small_cell']}, no rate is published. p: Fisher's exact test (two-sided) "
            "against the highest-rate category."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    widths = (80, 24, 34, 22, 24, 22, 22, 22)
    heads = ("Category", "Applicants", "Selected/above", "Rate", "Impact ratio", "< 0.80", "Small", "p")
    rows = list(report_rows(figures))
    for method, title in METHODS:
        for dimension in DIMENSION_NAMES.values():
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(0, 7, _text(f"{title}: {dimension}"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "B", 8)
            for width, head in zip(widths, heads, strict=True):
                pdf.cell(width, 6, head, border=1)
            pdf.ln()
            pdf.set_font("Helvetica", size=8)
            for row in rows:
                if row[0] != method or row[1] != dimension:
                    continue
                for width, value in zip(widths, row[2:], strict=True):
                    pdf.cell(width, 5, _text(value), border=1)
                pdf.ln()
    return bytes(pdf.output())
