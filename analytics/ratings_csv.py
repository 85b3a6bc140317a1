"""Reading an uploaded file of performance ratings (CSV, UTF-8, a header row): the columns
`application`, `period_start`, `period_end` and `rating`, and one `dimension.<name>` column per
rated dimension, left blank where a hire is not rated on it. What the values mean is checked by
the service (`analytics.services.ratings`), which reports by row and column."""

import csv
import io

from django.conf import settings
from django.utils.translation import gettext

from analytics.services.ratings import ImportRefused, RatingIn, RowError
from hrsuite.errors import ValidationFailed

REQUIRED = ("application", "period_start", "period_end", "rating")
DIMENSION_PREFIX = "dimension."


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(
        gettext("The file was not read: %(why)s") % {"why": message}, fields={"file": [message]}
    )


def read_ratings_file(upload) -> tuple[list[tuple[int, RatingIn]], dict[str, str]]:
    """The file's ratings as (row number, rating), the header being row 1, and the column each
    field is read from. The file refused whole (ValidationFailed on `file`) when missing, not
    UTF-8 text or longer than HRSUITE_RATINGS_CSV_ROWS_MAX rows; its header refused
    (ImportRefused, row 1) when a column is missing, unknown or twice."""
    if upload is None:
        raise _refused(gettext("choose a CSV file."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(gettext("it is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.")) from None
    if "\x00" in text:
        raise _refused(gettext("it is not a CSV file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error):
        raise _refused(gettext("it is empty.")) from None
    problems = []
    for name in REQUIRED:
        if name not in header:
            problems.append(RowError(1, name, gettext("This column is missing.")))
    for name in header:
        if header.count(name) > 1 and name not in {p.column for p in problems}:
            problems.append(RowError(1, name, gettext("This column is there twice.")))
        elif name not in REQUIRED and not (
            name.startswith(DIMENSION_PREFIX) and len(name) > len(DIMENSION_PREFIX)
        ):
            problems.append(
                RowError(
                    1,
                    name or "—",
                    gettext("Unknown column: use %(columns)s and dimension.<name>.")
                    % {"columns": ", ".join(REQUIRED)},
                )
            )
    if problems:
        raise ImportRefused(gettext("Nothing was saved: the header has errors."), report=problems)
    limit = settings.HRSUITE_RATINGS_CSV_ROWS_MAX
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue  # a blank line
            if len(rows) == limit:
                raise _refused(gettext("it has more than %(count)d rows; split it.") % {"count": limit})
            cells = dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))
            dimensions = {
                name[len(DIMENSION_PREFIX) :]: cells[name].strip()
                for name in header
                if name.startswith(DIMENSION_PREFIX)
            }
            rows.append(
                (
                    number,
                    RatingIn(
                        application=cells["application"].strip(),
                        period_start=cells["period_start"],
                        period_end=cells["period_end"],
                        rating=cells["rating"],
                        dimension_ratings=dimensions,
                    ),
                )
            )
    except csv.Error:
        raise _refused(gettext("it is not a CSV file.")) from None
    if not rows:
        raise _refused(gettext("it has no rows of ratings."))
    columns = {
        f"dimension_ratings.{name[len(DIMENSION_PREFIX) :]}": name
        for name in header
        if name.startswith(DIMENSION_PREFIX)
    }
    return rows, columns
