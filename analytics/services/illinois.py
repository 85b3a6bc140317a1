"""Illinois' yearly report (Artificial Intelligence Video Interview Act, 820 ILCS 42/20): the race
and ethnicity of applicants for positions in Illinois who were and were not advanced after an AI
interview, and of those hired (docs/architecture.md, "Fairness").

A year is the year of the applicant's AI interview. Counts only, per EEO-1 category of their
self-identification, "Unknown" for no answer or "prefer not to say"; compliance downloads it.
"""

import csv
import io
from collections import defaultdict

from django.utils import translation

from analytics.fairness import categories
from analytics.services.fairness import assessed_applicants
from audit.models import AuditAction
from audit.services import audit_record
from interviews.models import AIAssessment, Interview

ILLINOIS = "US-IL"
COLUMNS = ["year", "race_ethnicity", "advanced", "not_advanced", "no_outcome_yet", "hired"]


def illinois_counts(year: int) -> list[dict]:
    """One row per race or ethnicity (EEO-1's, then Unknown) with its counts."""
    assessments = AIAssessment.objects.filter(
        interview__kind=Interview.Kind.AI_VIDEO,
        interview__starts_at__year=year,
        interview__application__position__region__istartswith=ILLINOIS,
    )
    counts: dict = defaultdict(lambda: defaultdict(int))
    for applicant in assessed_applicants(assessments):
        race = applicant.categories["race_ethnicity"]
        counts[race][applicant.outcome] += 1
        counts[race]["hired"] += applicant.hired
    order = [value for value in categories.RACE_ETHNICITY if value != categories.DECLINED]
    return [
        {
            "race_ethnicity": race,
            "advanced": counts[race]["advanced"],
            "not_advanced": counts[race]["not_advanced"],
            "no_outcome_yet": counts[race]["pending"],
            "hired": counts[race]["hired"],
        }
        for race in [*order, categories.UNKNOWN]
    ]


def illinois_export(*, year: int, actor) -> bytes:
    """The year's counts as CSV (English category names), its download an `export` event."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    with translation.override("en"):
        rows = [
            (row, categories.label("race_ethnicity", row["race_ethnicity"])) for row in illinois_counts(year)
        ]
    for row, name in rows:
        writer.writerow(
            [
                year,
                name,
                row["advanced"],
                row["not_advanced"],
                row["no_outcome_yet"],
                row["hired"],
            ]
        )
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="analytics.illinois_report",
        target_id=str(year),
        detail={"event": "illinois_report_download", "year": year},
    )
    return out.getvalue().encode("utf-8")
