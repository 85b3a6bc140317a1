"""Every write of performance ratings, whatever brings them: the performance system's API, a CSV
upload on HR's page, or a recruiter on the candidate file (docs/architecture.md, "Later
performance and validity").

One set of checks for all three, each naming its field: the application must be a hire's, the
period a forward one of at most a year that is over, the rating and each dimension's (the
position's own dimensions) from 1 to 5. One rating per application and period (a constraint);
a period overlapping one already rated is a conflict. Nothing is half-saved: a CSV upload is
stored whole or not at all.
"""

import contextlib
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from analytics.models import PerformanceRating
from analytics.services.validity import validity_ask
from audit.models import AuditAction
from audit.services import audit_record, audit_together
from candidates.models import Application, Stage
from hrsuite.errors import Conflict, ValidationFailed
from hrsuite.permissions import may, require, restrict
from interviews.services.assessments import decimal_between

RATING_LOW, RATING_HIGH = 1, 5
# The longest period one rating covers: a year (and a day, for a leap year).
PERIOD_DAYS_MAX = 366
# At most this many decimal places in a rating ("3.5", "4.25").
RATING_PLACES = 2


@dataclass(frozen=True)
class RatingIn:
    """One rating as it came in: values as sent (text from a form or a file, numbers and dates
    from the API's parser)."""

    application: object
    period_start: object
    period_end: object
    rating: object
    dimension_ratings: dict | None = None


def hires_for(*, actor):
    """The applications `actor` may rate: the hired ones they may see; for a performance system's
    integration, which writes ratings and reads nothing else, every hired one; for a system label
    (a command), every hired one."""
    hired = Application.objects.filter(stage=Stage.HIRED)
    if not getattr(actor, "pk", None):
        return hired
    if may(actor, "view", Application):
        return restrict(hired, user=actor)
    return hired if may(actor, "add", PerformanceRating) else hired.none()


def _date(value, field: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.setdefault(field, []).append(gettext("Give a date as YYYY-MM-DD."))
        return None


def _score(value, field: str, errors: dict) -> str | None:
    """A rating from 1 to 5 with at most two decimals, as the text it is kept as ("3.5")."""
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        errors.setdefault(field, []).append(gettext("Give a rating from 1 to 5."))
        return None
    before = len(errors.get(field, []))
    number = decimal_between(value, field, errors, low=RATING_LOW, high=RATING_HIGH)
    if number is None or len(errors.get(field, [])) > before:
        return None
    if number.as_tuple().exponent < -RATING_PLACES:
        errors.setdefault(field, []).append(gettext("At most two decimal places."))
        return None
    return format(number.normalize(), "f")


def rating_errors(
    given: RatingIn, *, application: Application | None, today: datetime.date
) -> tuple[dict, dict[str, list[str]]]:
    """The rating's values ready to store and the errors by field (`application`, `period_start`,
    `period_end`, `rating`, `dimension_ratings.<name>`); `application` is None when the id named
    no hire."""
    errors: dict[str, list[str]] = {}
    if application is None:
        errors["application"] = [gettext("No hire has this application id.")]
    start = _date(given.period_start, "period_start", errors)
    end = _date(given.period_end, "period_end", errors)
    if start and end:
        if end <= start:
            errors.setdefault("period_end", []).append(gettext("The period ends on or before it starts."))
        elif (end - start).days > PERIOD_DAYS_MAX:
            errors.setdefault("period_end", []).append(gettext("A rating covers a year at most."))
        elif end > today:
            errors.setdefault("period_end", []).append(gettext("A period is rated once it is over."))
    values = {"period_start": start, "period_end": end, "rating": _score(given.rating, "rating", errors)}
    dimensions = {}
    if given.dimension_ratings is not None and not isinstance(given.dimension_ratings, dict):
        errors["dimension_ratings"] = [gettext("Give the ratings per dimension by name.")]
    allowed = set(application.position.dimension_weights) if application is not None else None
    for name, value in sorted((given.dimension_ratings or {}).items()):
        field = f"dimension_ratings.{name}"
        if value in (None, ""):
            continue  # a dimension left blank is not rated
        if allowed is not None and name not in allowed:
            errors[field] = [
                gettext("'%(name)s' is not a dimension of this position; it has %(dimensions)s.")
                % {"name": name, "dimensions": ", ".join(sorted(allowed))}
            ]
            continue
        dimensions[name] = _score(value, field, errors)
    values["dimension_ratings"] = dimensions
    return values, errors


def _overlapping(application_id, start, end):
    return PerformanceRating.objects.filter(
        application_id=application_id, period_start__lt=end, period_end__gt=start
    )


def _overlap_message(other: PerformanceRating) -> str:
    return gettext("A rating of this hire covers %(start)s to %(end)s already.") % {
        "start": other.period_start.isoformat(),
        "end": other.period_end.isoformat(),
    }


def _application_named(value, *, actor) -> Application | None:
    try:
        pk = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value or "").strip())
    except ValueError:
        return None
    return hires_for(actor=actor).select_related("position").filter(pk=pk).first()


def _stored(application: Application, values: dict, *, source: str, actor) -> PerformanceRating:
    rating = PerformanceRating(
        application=application,
        period_start=values["period_start"],
        period_end=values["period_end"],
        rating=values["rating"],
        dimension_ratings=values["dimension_ratings"],
        source=source,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            rating.save(force_insert=True)
    except IntegrityError:
        # Another request rated the same period meanwhile (the constraint `rating_once_per_period`).
        message = gettext("This hire has a rating for a period starting on this day already.")
        raise Conflict(message, fields={"period_start": [message]}, code="rating_exists") from None
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=rating,
        candidate_id=application.candidate_id,
        changed_fields=["rating", "dimension_ratings", "period_start", "period_end"],
        detail={
            "event": "performance_rating_recorded",
            "source": source,
            "application": str(application.pk),
            "period_start": values["period_start"].isoformat(),
            "period_end": values["period_end"].isoformat(),
            "dimensions": sorted(values["dimension_ratings"]),
        },
    )
    return rating


def _check_source(source: str) -> None:
    if source not in PerformanceRating.Source.values:
        raise ValueError(f"Unknown source {source!r}.")


@transaction.atomic
def performance_rating_record(*, given: RatingIn, source: str, actor) -> PerformanceRating:
    """One rating of a hire for one period, by the API (`source` "api") or a recruiter on the
    candidate file ("hr"). ValidationFailed names every field in error; a period that overlaps
    one rated already is a Conflict (409) on `period_start`."""
    require(actor, "add", PerformanceRating)
    _check_source(source)
    application = _application_named(given.application, actor=actor)
    values, errors = rating_errors(given, application=application, today=timezone.localdate())
    if errors:
        raise ValidationFailed.naming(gettext("Invalid rating: %(fields)s."), errors)
    other = _overlapping(application.pk, values["period_start"], values["period_end"]).first()
    if other is not None:
        message = _overlap_message(other)
        raise Conflict(message, fields={"period_start": [message]}, code="rating_exists")
    rating = _stored(application, values, source=source, actor=actor)
    validity_ask([application.position.department])
    return rating


@dataclass(frozen=True)
class RowError:
    """One problem of an uploaded file: its row (the header is row 1) and column."""

    row: int
    column: str
    message: str


class ImportRefused(ValidationFailed):
    """A file with errors: nothing of it was stored. `report` lists every error by row and column."""

    def __init__(self, message: str, *, report: list[RowError]):
        fields: dict[str, list[str]] = {}
        for error in report:
            fields.setdefault(f"row {error.row}", []).append(f"{error.column}: {error.message}")
        super().__init__(message, fields=fields, code="import_refused")
        self.report = report


@transaction.atomic
def performance_ratings_import(*, rows: list[tuple[int, RatingIn]], actor, columns: dict[str, str]) -> list:
    """The ratings of an uploaded file, all or none: every row is checked (against the others of
    the file too) before anything is stored. `rows` are (row number, rating); `columns` names
    the file's column for each field (`dimension_ratings.x` → `dimension.x`) so the report speaks
    of the file. ImportRefused carries the report."""
    require(actor, "add", PerformanceRating)
    today = timezone.localdate()
    named = {}
    wanted = set()
    for _number, given in rows:
        with contextlib.suppress(ValueError):
            wanted.add(uuid.UUID(str(given.application or "").strip()))
    for application in hires_for(actor=actor).select_related("position").filter(pk__in=wanted):
        named[str(application.pk)] = application
    # The periods rated already, and those of the rows before: a row overlapping either is refused.
    periods: dict = {}
    for application_id, start, end in PerformanceRating.objects.filter(
        application_id__in=[application.pk for application in named.values()]
    ).values_list("application_id", "period_start", "period_end"):
        periods.setdefault(application_id, []).append((None, start, end))
    report: list[RowError] = []
    checked = []
    for number, given in rows:
        application = named.get(str(given.application or "").strip().lower())
        values, errors = rating_errors(given, application=application, today=today)
        if application is not None and not {"period_start", "period_end"} & set(errors):
            start, end = values["period_start"], values["period_end"]
            for row, other_start, other_end in periods.get(application.pk, []):
                if start < other_end and other_start < end:
                    errors["period_start"] = [
                        gettext("Row %(row)d rates an overlapping period of the same hire.") % {"row": row}
                        if row is not None
                        else gettext("A rating of this hire covers %(start)s to %(end)s already.")
                        % {"start": other_start.isoformat(), "end": other_end.isoformat()}
                    ]
                    break
            periods.setdefault(application.pk, []).append((number, start, end))
        for field, messages in errors.items():
            column = columns.get(field, field)
            report.extend(RowError(number, column, message) for message in messages)
        checked.append((application, values))
    if report:
        raise ImportRefused(
            gettext("Nothing was saved: %(count)d errors in the file.") % {"count": len(report)},
            report=report,
        )
    with audit_together():
        stored = [
            _stored(application, values, source=PerformanceRating.Source.CSV, actor=actor)
            for application, values in checked
        ]
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type=PerformanceRating._meta.label_lower,
        target_ids=[rating.pk for rating in stored],
        detail={"event": "performance_ratings_imported", "rows": len(stored)},
    )
    validity_ask(sorted({application.position.department for application, _values in checked}))
    return stored


def rating_value(rating: PerformanceRating) -> Decimal | None:
    """A stored rating as a number; None for an erased person's (or any text that is not one)."""
    try:
        return Decimal(str(rating.rating)) if rating.rating else None
    except ArithmeticError:
        return None
