"""Reads behind the HR dashboard: counts per chart from GROUP BY queries, and short live lists.

Everything starts from `restrict()`. The counts name nobody, write no audit event and are kept
as one database row per scope (`backoffice.models.DashboardSummary`): at 100,000 candidates a
GROUP BY over every application or a month of interviews costs more than the page's whole time
budget, and a dashboard's counts may be a minute old (the page says as of when). A view reads its
scope's row in one query and never counts itself while beat runs: beat recounts the shared row
every minute and any other a view found older than SUMMARY_SECONDS or without counts
(docs/architecture.md, "HR dashboard"). The lists of what needs someone's attention are read live
on every view, each cut in SQL along an index, and each one `list` event with the ids it shows (an
empty list shows no one and writes none): today's agenda, overdue scorecards, assessments waiting
for a person, open incidents, failed messages, and candidates' privacy requests due within a week
or overdue. Lists read only the values they show, so no encrypted
field is read or decrypted.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import ExtractMinute, Floor, TruncDate, TruncHour
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import full_name
from audit.services import audit_lists
from backoffice.models import DashboardSummary
from backoffice.selectors.board import STUCK_STAGES
from candidates.languages import ENGLISH
from candidates.models import Application, Candidate, Position, Stage, title_in
from hrsuite.models import choice_labels
from hrsuite.permissions import global_permission, restrict
from interviews.models import (
    WAITING_FOR_REVIEW,
    AIAssessment,
    Incident,
    Interview,
    InterviewAssignment,
    Scorecard,
)
from interviews.selectors import completion_rates_for, scorecards_overdue
from interviews.survey_models import SurveyResult
from interviews.survey_selectors import survey_results_for
from notifications.models import Notification
from onboarding.models import BackgroundCheck, Offer
from privacy.models import PrivacyRequest
from privacy.selectors import DUE_SOON, due_soon

logger = logging.getLogger(__name__)

# How much one page shows; the page says so where a list or chart is cut.
PIPELINE_POSITIONS = 8
AGENDA_DAYS = 7
AGENDA_SIZE = 25
LIST_SIZE = 10
COMPLETION_DAYS = 30
SUMMARY_SECONDS = 60
# How often beat's dashboard-counts-refresh runs (config/celery.py): the shared row is recounted
# at the first run that finds it within this of SUMMARY_SECONDS old, any other row at the first
# run after a view asked for it.
REFRESH_SECONDS = 15
# A row no view or beat has rewritten for this long is deleted (its user left, or stopped looking);
# a view asks for a count rather than show counts this old.
SUMMARY_KEPT_FOR = timedelta(days=1)
# A view counts for itself only where its scope has no counts and no run of beat has taken up the
# ask for this long: the worker or its broker is down.
UNANSWERED_AFTER = timedelta(minutes=2)
# How long a run of beat may be counting a row before another run takes it over (the first was
# killed, say).
COUNTING_AT_MOST = timedelta(minutes=5)
AGENDA_QUARTER_MINUTES = 15
_QUARTER = timedelta(minutes=AGENDA_QUARTER_MINUTES)

# The stages an application moves through, in funnel order; the two ways out are shown apart.
FUNNEL_STAGES = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION, Stage.OFFER, Stage.HIRED]
EXIT_STAGES = [Stage.REJECTED, Stage.WITHDRAWN]
# The agenda's statuses, every one but cancelled: its list and its interviews per day share them.
AGENDA_STATUSES = [status for status in Interview.Status.values if status != Interview.Status.CANCELLED]

_OFFER_TONES = {
    Offer.Status.ACCEPTED: "ok",
    Offer.Status.DECLINED: "bad",
    Offer.Status.EXPIRED: "bad",
    Offer.Status.CANCELLED: "bad",
    Offer.Status.PENDING_APPROVAL: "warn",
}
_CHECK_TONES = {
    BackgroundCheck.Status.PASSED: "ok",
    BackgroundCheck.Status.FAILED: "bad",
    BackgroundCheck.Status.INCONCLUSIVE: "warn",
}
# Every model the dashboard reads: users with the global view permission on all of them see the
# same counts, so they share one summary row.
_READ_MODELS = (
    Position,
    Application,
    Interview,
    InterviewAssignment,
    Scorecard,
    AIAssessment,
    Incident,
    Notification,
    Offer,
    BackgroundCheck,
    PrivacyRequest,
)


@dataclass(frozen=True)
class Bar:
    """One row of a CSS bar chart: `percent` is the bar's width."""

    key: str
    label: str
    count: int
    percent: int
    tone: str = ""

    @property
    def value(self) -> int:
        return self.count


@dataclass(frozen=True)
class PositionFunnel:
    position_id: object
    title: str
    department: str
    region: str
    total: int
    bars: list[Bar]
    exits: list[Bar]
    stuck: int = 0


@dataclass(frozen=True)
class Pipeline:
    positions: list[PositionFunnel]
    open_positions: int


@dataclass(frozen=True)
class AgendaDay:
    day: date
    count: int | None  # None while being counted
    percent: int
    interviews: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Agenda:
    """The agenda's days and the interviews shown; `total` None while the counts are being made
    and the list is cut at AGENDA_SIZE (there are at least as many as shown)."""

    days: list[AgendaDay]
    total: int | None
    shown: int

    @property
    def figure(self) -> str:
        return f"{self.shown}+" if self.total is None else str(self.total)


@dataclass(frozen=True)
class Shortlist:
    """The first rows of a list and how many there are in all (None: at least as many as shown,
    the count is being made)."""

    rows: list
    total: int | None

    @property
    def figure(self) -> str:
        """The total as the page's figures show it: "10+" while it is being counted."""
        return f"{len(self.rows)}+" if self.total is None else str(self.total)


@dataclass(frozen=True)
class CompletionRate:
    region: str
    provider: str
    completed: int
    technical_issue: int
    no_show: int
    rate: float | None
    percent: int
    tone: str

    @property
    def label(self) -> str:
        return f"{self.region} · {self.provider}"

    @property
    def value(self) -> str:
        """The rate as its bar shows it; a dash where nothing finished."""
        return "—" if self.rate is None else f"{self.percent}%"


@dataclass(frozen=True)
class Summary:
    """The dashboard's counts: plain numbers, so they keep as JSON and get their labels in the
    language of whoever reads them. Interviews on the agenda are counted per quarter hour of UTC
    from `agenda_from`; `agenda_days` are one viewer's days summed from them."""

    counted_at: datetime
    pipeline: list[dict]
    open_positions: int
    completion: list[dict]
    offers: dict[str, int]
    checks: dict[str, int]
    overdue_scorecards: int
    reviews_waiting: int
    open_incidents: int
    failed_messages: int
    privacy_due: int
    agenda_from: datetime
    agenda_quarters: list[int]
    agenda_days: dict[date, int] = field(default_factory=dict)
    # The candidate survey's kept results by region, provider and kind, copied from their table
    # when the row is counted (docs/architecture.md, "Candidate survey"): the view reads none.
    survey: list[dict] = field(default_factory=list)

    def counts(self) -> dict:
        """What a `DashboardSummary` row keeps: everything but when and one viewer's days."""
        counts = asdict(self)
        del counts["counted_at"], counts["agenda_days"]
        return counts

    @classmethod
    def from_row(cls, counted_at: datetime | None, counts: dict | None) -> "Summary | None":
        """The summary a row keeps; None for a row asked for and not counted yet, or one that keeps
        other counts (written by another release, during a deployment), which is counted again."""
        if counts is None or set(counts) != {f.name for f in fields(cls)} - {"counted_at", "agenda_days"}:
            return None
        return cls(
            counted_at=counted_at,
            **{**counts, "agenda_from": datetime.fromisoformat(counts["agenda_from"])},
        )


@dataclass(frozen=True)
class Dashboard:
    """The page's lists and charts. `counted_at` None: the counts are being made (the charts are
    empty, and a list cut at its size does not know its total)."""

    now: datetime
    counted_at: datetime | None
    pipeline: Pipeline
    agenda: Agenda
    overdue_scorecards: Shortlist
    reviews_waiting: Shortlist
    open_incidents: Shortlist
    completion: list[CompletionRate]
    failed_messages: Shortlist
    privacy_due: Shortlist
    offers: list[Bar]
    checks: list[Bar]
    overdue_after_hours: int = 0
    completion_threshold: float = 0.0
    survey: list[dict] = field(default_factory=list)


def dashboard_for(*, user, now: datetime | None = None, tz: tzinfo | None = None) -> Dashboard:
    """The whole dashboard for `user`, with days taken in `tz` (the viewer's zone).

    The lists' audit events are written together after every read: they lock the audit
    chain's head until the request's transaction ends, so they come as late as they can.
    """
    now = now or timezone.now()
    tz = tz or timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    summary = summary_for(user=user, now=now, tz=tz)
    lists = {
        "agenda": (Interview, agenda_interviews_for(user=user, today=today, tz=tz)),
        "overdue_scorecards": (InterviewAssignment, overdue_scorecards_for(user=user, now=now)),
        "reviews_waiting": (AIAssessment, reviews_waiting_for(user=user)),
        "open_incidents": (Incident, open_incidents_for(user=user)),
        "failed_messages": (Notification, failed_messages_for(user=user)),
        "privacy_due": (PrivacyRequest, privacy_due_for(user=user, now=now)),
    }
    board = Dashboard(
        now=now,
        counted_at=summary and summary.counted_at,
        pipeline=_pipeline(summary) if summary else Pipeline(positions=[], open_positions=0),
        agenda=_agenda(summary and summary.agenda_days, lists["agenda"][1], today=today, tz=tz),
        overdue_scorecards=_shortlist(lists["overdue_scorecards"][1], summary and summary.overdue_scorecards),
        reviews_waiting=_shortlist(lists["reviews_waiting"][1], summary and summary.reviews_waiting),
        open_incidents=_shortlist(lists["open_incidents"][1], summary and summary.open_incidents),
        completion=_completion(summary) if summary else [],
        failed_messages=_shortlist(lists["failed_messages"][1], summary and summary.failed_messages),
        privacy_due=_shortlist(lists["privacy_due"][1], summary and summary.privacy_due),
        offers=_bars_by_status(summary.offers, Offer.Status, _OFFER_TONES) if summary else [],
        checks=_bars_by_status(summary.checks, BackgroundCheck.Status, _CHECK_TONES) if summary else [],
        overdue_after_hours=settings.HRSUITE_SCORECARD_REMINDER_HOURS,
        completion_threshold=settings.HRSUITE_COMPLETION_RATE_THRESHOLD,
        survey=summary.survey if summary else [],
    )
    audit_lists(
        actor=user,
        lists=[
            (model, [row["id"] for row in rows], {"page": "hr-dashboard", "list": name})
            for name, (model, rows) in lists.items()
            if rows
        ],
    )
    return board


# --- Counts (one row per scope) --------------------------------------------------------------------


def summary_for(*, user, now: datetime, tz: tzinfo) -> Summary | None:
    """The counts behind the charts and list totals, with the interviews per day in `tz` (the
    viewer's zone); None while they are being made.

    One query reads the scope's row. A row older than SUMMARY_SECONDS is shown as it is, and
    beat is asked to count it again: a view never waits for a count, at a cost that grows with
    the data. A scope without counts (a first view, or a row left a day) is asked for with an
    empty row, which beat counts within REFRESH_SECONDS; only where no run of beat has taken the
    ask up for UNANSWERED_AFTER does a view count for itself. Interviews are kept per quarter
    hour of UTC, so every viewer's days, in whatever zone, are sums of the same row's quarters.
    """
    today = timezone.localtime(now, tz).date()
    scope = _scope(user)
    rows = _read(_summary_row, DashboardSummary.objects.all(), shared=True, limit=1, scope=scope)
    kept = rows[0] if rows else {}
    counted_at, asked_at = kept.get("counted_at"), kept.get("recount_asked_at")
    summary = None
    if counted_at is not None and abs(now - counted_at) < SUMMARY_KEPT_FOR:
        summary = Summary.from_row(counted_at, kept["counts"])
    if summary is None:
        if asked_at is None or kept["counting_since"] is not None or now - asked_at < UNANSWERED_AFTER:
            _ask_for_counts(scope, now, kept)
            return None
        logger.warning("dashboard counts of %s asked for at %s, not made: counting here", scope, asked_at)
        summary = count_for(user=user, now=now)
        _keep_summary(scope, summary)
    elif abs(now - counted_at) >= timedelta(seconds=SUMMARY_SECONDS):
        _ask_for_counts(scope, now, kept)
    days = _days_from_quarters(summary, today=today, tz=tz)
    if days is None:
        days = interviews_per_day_for(user=user, today=today, tz=tz)
    return replace(summary, agenda_days=days)


def _summary_row(rows: QuerySet[DashboardSummary], *, scope: str, limit: int) -> QuerySet:
    """What a view reads of its scope's row (there is one at most: `first()`)."""
    rows = rows.filter(scope=scope).values("counted_at", "counts", "recount_asked_at", "counting_since")
    return rows.order_by("pk")[:limit]


def _ask_for_counts(scope: str, now: datetime, kept: dict) -> None:
    """Asks beat to count `scope` (`kept`: what its row held): an empty row where there is none
    (two first views at once both succeed, and one row is left), else the row marked as asked
    for, once (the filter makes a second view that read the row before this one committed change
    nothing)."""
    if not kept:
        DashboardSummary.objects.bulk_create(
            [DashboardSummary(scope=scope, recount_asked_at=now)], ignore_conflicts=True
        )
    elif kept["recount_asked_at"] is None:
        DashboardSummary.objects.filter(scope=scope, recount_asked_at__isnull=True).update(
            recount_asked_at=now
        )


def _keep_summary(scope: str, summary: Summary) -> None:
    """Writes the scope's row, whoever wrote it meanwhile: two writers at once (beat and a view
    counting for itself) both write, neither fails (an upsert, not a read then an insert), and the
    row holds one of their counts.
    A row written is fresh: neither asked for nor being counted."""
    DashboardSummary.objects.bulk_create(
        [DashboardSummary(scope=scope, counted_at=summary.counted_at, counts=summary.counts())],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["counted_at", "counts", "recount_asked_at", "counting_since"],
    )


def counts_refresh(*, now: datetime | None = None) -> list[str]:
    """Beat's run, every REFRESH_SECONDS: recounts the row shared by everyone who may see every
    row before it is SUMMARY_SECONDS old, so that their views find it fresh, and each row a view
    found stale; deletes rows no one has read for SUMMARY_KEPT_FOR. Each scope is counted as a
    user of it, through `restrict()` like the page. Returns the scopes counted.

    Each row is claimed before it is counted (`counting_since`, committed at once: a task runs
    without a transaction), so runs that overlap, a count taking longer than REFRESH_SECONDS,
    count each row once. A row whose user is gone, or now sees every row, is deleted."""
    now = now or timezone.now()
    rows = DashboardSummary.objects.all()
    rows.filter(counted_at__lt=now - SUMMARY_KEPT_FOR, recount_asked_at__isnull=True).delete()
    shared_due = now - timedelta(seconds=SUMMARY_SECONDS - REFRESH_SECONDS)
    due = list(
        rows.filter(Q(recount_asked_at__isnull=False) | Q(scope="all", counted_at__lte=shared_due))
        .order_by("scope")
        .values_list("scope", flat=True)
    )
    if "all" not in due and not rows.filter(scope="all").exists():
        due.insert(0, "all")
    counted = []
    for scope in due:
        claimed = rows.filter(scope=scope).filter(
            Q(counting_since__isnull=True) | Q(counting_since__lt=now - COUNTING_AT_MOST)
        )
        if (
            claimed.update(counting_since=now, recount_asked_at=None) == 0
            and rows.filter(scope=scope).exists()
        ):
            continue  # another run is counting it
        viewer = _viewer(scope)
        if viewer is None:
            rows.filter(scope=scope).delete()
            continue
        _keep_summary(scope, count_for(user=viewer, now=timezone.now()))
        counted.append(scope)
    return counted


def _viewer(scope: str):
    """A user whose counts `scope` holds, None if there is none (any longer)."""
    from accounts.models import User
    from hrsuite.roles import Role

    staff = User.objects.filter(is_active=True, groups__name__in=[Role.HR_ADMIN, Role.RECRUITER]).distinct()
    if scope == "all":
        return next((user for user in staff.order_by("pk") if _scope(user) == "all"), None)
    user = staff.filter(pk=scope.removeprefix("user-")).first() if scope.startswith("user-") else None
    return user if user is not None and _scope(user) == scope else None


def count_for(*, user, now: datetime) -> Summary:
    """Every count on the dashboard, now: one GROUP BY or COUNT each."""
    open_positions = list(
        restrict(Position.objects.filter(status=Position.Status.OPEN), user=user).values(
            "id", *Position.title_columns(), "department", "region", "stuck_after_days"
        )
    )
    agenda_from, agenda_quarters = _agenda_quarters(user, now)
    return Summary(
        counted_at=now,
        pipeline=_pipeline_counts(user, open_positions, now=now),
        open_positions=len(open_positions),
        completion=completion_rates_for(user=user, days=COMPLETION_DAYS),
        offers=_by_status(restrict(Offer.objects.all(), user=user)),
        checks=_by_status(restrict(BackgroundCheck.objects.all(), user=user)),
        overdue_scorecards=scorecards_overdue(
            restrict(InterviewAssignment.objects.all(), user=user), now=now
        ).count(),
        reviews_waiting=_reviews_waiting(restrict(AIAssessment.objects.all(), user=user)).count(),
        open_incidents=_open_incidents(restrict(Incident.objects.all(), user=user)).count(),
        failed_messages=_failed_messages(restrict(Notification.objects.all(), user=user)).count(),
        privacy_due=due_soon(
            restrict(PrivacyRequest.objects.all(), user=user), due_by=now + DUE_SOON
        ).count(),
        agenda_from=agenda_from,
        agenda_quarters=agenda_quarters,
        survey=survey_figures_for(user=user),
    )


def survey_figures_for(*, user) -> list[dict]:
    """The candidate survey's kept results by region, provider and kind, as plain numbers (one
    small read of the table beat keeps: "Candidate survey")."""
    return [
        {
            "region": row.region,
            "provider": row.provider,
            "kind": row.kind,
            "sent": row.sent,
            "answered": row.answered,
            "overall_mean": row.overall_mean,
            "overall_low": row.overall_low,
            "overall_high": row.overall_high,
            "fairness_mean": row.fairness_mean,
            "fairness_low": row.fairness_low,
            "fairness_high": row.fairness_high,
            "technical_problems": row.technical_problems,
            "scheduled": row.scheduled,
            "completed": row.completed,
        }
        for row in survey_results_for(user=user, level=SurveyResult.Level.GROUP)
    ]


def _agenda_span(now: datetime) -> tuple[datetime, datetime]:
    """The span of UTC whose quarter hours hold every zone's agenda for SUMMARY_SECONDS after
    `now`: no zone's today began before midnight UTC of the day before (a zone behind UTC is at
    most a day behind, and its day starts after UTC's), and none's last agenda day ends later
    than AGENDA_DAYS + 3 days after midnight UTC (today in UTC may have become tomorrow since
    `now`; a zone is at most 12 hours behind UTC, one more on a day its clocks go back)."""
    midnight = datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)
    return midnight - timedelta(days=1), midnight + timedelta(days=AGENDA_DAYS + 3)


def _agenda_quarters(user, now: datetime) -> tuple[datetime, list[int]]:
    """The agenda's interviews (not cancelled) per quarter hour of UTC over `_agenda_span(now)`:
    its start and the count of each quarter from it, one GROUP BY. Every zone in use is a whole
    number of quarter hours from UTC (+5:45 and +8:45 included), so each of a viewer's local days
    is a run of whole quarters."""
    start, end = _agenda_span(now)
    rows = (
        restrict(Interview.objects.all(), user=user)
        .filter(starts_at__gte=start, starts_at__lt=end, status__in=AGENDA_STATUSES)
        .values_list(
            TruncHour("starts_at", tzinfo=UTC),
            Floor(ExtractMinute("starts_at", tzinfo=UTC) / AGENDA_QUARTER_MINUTES),
        )
        .annotate(n=Count("*"))
        .order_by()
    )
    quarters = [0] * ((end - start) // _QUARTER)
    for hour, quarter, n in rows:
        quarters[(hour - start) // _QUARTER + int(quarter)] += n
    return start, quarters


def _days_from_quarters(summary: Summary, *, today: date, tz: tzinfo) -> dict[date, int] | None:
    """Interviews on the agenda per day in `tz` from `today` on, summed from the summary's
    quarters; None where they cannot say (a zone whose midnight falls inside a quarter hour, or
    days outside the quarters' span)."""
    quarters = summary.agenda_quarters
    bounds = []
    for n in range(AGENDA_DAYS + 2):
        since = datetime.combine(today + timedelta(days=n), time.min, tzinfo=tz) - summary.agenda_from
        if since < timedelta(0) or since % _QUARTER:
            return None
        bounds.append(since // _QUARTER)
    if bounds[-1] > len(quarters):
        return None
    return {
        today + timedelta(days=n): sum(quarters[start:end]) for n, (start, end) in enumerate(pairwise(bounds))
    }


def interviews_per_day_for(*, user, today: date, tz: tzinfo) -> dict[date, int]:
    """Interviews on the agenda per day in `tz`, from `today` on, counted for this zone alone:
    one GROUP BY."""
    start, end = _agenda_bounds(today, tz)
    return dict(
        _agenda_interviews(restrict(Interview.objects.all(), user=user), start=start, end=end)
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )


def _scope(user) -> str:
    """Whose counts these are: everyone allowed to see every row shares them."""
    if all(user.has_perm(global_permission(model, "view")) for model in _READ_MODELS):
        return "all"
    return f"user-{user.pk}"


def _pipeline_counts(user, open_positions: list[dict], *, now: datetime) -> list[dict]:
    """Applications by stage for the PIPELINE_POSITIONS open positions with the most of them.

    One GROUP BY position and stage over the applications the user may see, which the
    (position, stage, candidate) index answers without joining positions or filtering per
    stage; the open positions' own names come from `open_positions` (a few dozen rows), and
    the largest are picked here."""
    counts: dict = {}
    rows = restrict(Application.objects.all(), user=user).values_list("position_id", "stage")
    for position_id, stage, n in rows.annotate(n=Count("*")).order_by():
        counts.setdefault(position_id, {})[stage] = n
    stages = [stage.value for stage in [*FUNNEL_STAGES, *EXIT_STAGES]]
    funnels = []
    for position in open_positions:
        by_stage = counts.get(position["id"])
        if not by_stage:
            continue
        funnels.append(
            {
                "position_id": position["id"],
                **{name: position[name] for name in Position.title_columns()},
                "department": position["department"],
                "region": position["region"],
                "total": sum(by_stage.values()),
                **{stage: by_stage.get(stage, 0) for stage in stages},
            }
        )
    funnels.sort(key=lambda row: (-row["total"], title_in(row, ENGLISH), row["position_id"]))
    funnels = funnels[:PIPELINE_POSITIONS]
    allowed = {position["id"]: position["stuck_after_days"] for position in open_positions}
    stuck = _stuck_counts(user, {row["position_id"]: allowed[row["position_id"]] for row in funnels}, now=now)
    for row in funnels:
        row["stuck"] = stuck.get(row["position_id"], 0)
    return funnels


def _stuck_counts(user, days_allowed: dict, *, now: datetime) -> dict:
    """Per position, its applications waiting in one stage longer than the position allows
    (`days_allowed`, its `stuck_after_days`), as its board flags them: one GROUP BY over the
    positions shown."""
    if not days_allowed:
        return {}
    late = Q()
    for position_id, days in days_allowed.items():
        late |= Q(position_id=position_id, stage_changed_at__lt=now - timedelta(days=days))
    waiting = restrict(Application.objects.filter(late, stage__in=STUCK_STAGES), user=user)
    return dict(waiting.values_list("position_id").annotate(n=Count("*")).order_by())


def _by_status(queryset: QuerySet) -> dict[str, int]:
    return dict(queryset.values_list("status").annotate(n=Count("id")).order_by())


# --- Charts from the counts ------------------------------------------------------------------------


def _pipeline(summary: Summary) -> Pipeline:
    labels = choice_labels(Stage)
    positions = []
    for row in summary.pipeline:
        total = row["total"]
        positions.append(
            PositionFunnel(
                position_id=row["position_id"],
                # Kept before titles had languages: the one title, until the row is counted again.
                title=title_in(row) or row.get("title", ""),
                # Counted before boards had it: none, until the row is counted again.
                stuck=row.get("stuck", 0),
                department=row["department"],
                region=row["region"],
                total=total,
                bars=[
                    _bar(s.value, labels[s.value], row[s.value], total, tone="ok" if s == Stage.HIRED else "")
                    for s in FUNNEL_STAGES
                ],
                exits=[_bar(s.value, labels[s.value], row[s.value], total) for s in EXIT_STAGES],
            )
        )
    return Pipeline(positions=positions, open_positions=summary.open_positions)


def _agenda(counts: dict[date, int] | None, shown: list[dict], *, today: date, tz: tzinfo) -> Agenda:
    """The agenda from its interviews per day (None while being counted) and the first shown."""
    by_day: dict[date, list[dict]] = {}
    for interview in shown:
        by_day.setdefault(timezone.localtime(interview["starts_at"], tz).date(), []).append(interview)
    known = counts or {}
    largest = max(known.values(), default=0)
    days = [
        AgendaDay(
            day=day,
            count=None if counts is None else known.get(day, 0),
            percent=_share(known.get(day, 0), largest),
            interviews=by_day.get(day, []),
        )
        for day in (today + timedelta(days=n) for n in range(AGENDA_DAYS + 1))
    ]
    if len(shown) < AGENDA_SIZE:
        total = len(shown)
    else:
        total = None if counts is None else max(sum(known.values()), len(shown))
    return Agenda(days=days, total=total, shown=len(shown))


def _completion(summary: Summary) -> list[CompletionRate]:
    """Completion rate per region and provider as bars against the threshold below which HR is
    told: green at or above it, red under it."""
    threshold = settings.HRSUITE_COMPLETION_RATE_THRESHOLD
    rates = []
    for row in summary.completion:
        rate = row["rate"]
        rates.append(
            CompletionRate(
                region=row["region"],
                provider=row["provider"],
                completed=row["completed"],
                technical_issue=row["technical_issue"],
                no_show=row["no_show"],
                rate=rate,
                percent=round(rate * 100) if rate is not None else 0,
                tone="" if rate is None else ("ok" if rate >= threshold else "bad"),
            )
        )
    return rates


def _bars_by_status(counts: dict[str, int], statuses, tones: dict) -> list[Bar]:
    largest = max(counts.values(), default=0)
    labels = choice_labels(statuses)
    return [
        _bar(status, labels[status], counts.get(status, 0), largest, tone=tones.get(status, ""))
        for status in statuses.values
    ]


def _bar(key: str, label: str, count: int, of: int, *, tone: str = "") -> Bar:
    return Bar(key=key, label=label, count=count, percent=_share(count, of), tone=tone)


def _share(count: int, of: int) -> int:
    """A bar's width in percent: one that has something in it stays visible, however small."""
    return 0 if not of or not count else max(1, round(100 * count / of))


def _shortlist(rows: list, counted: int | None) -> Shortlist:
    """A live list and its total: exact while the list is not cut at LIST_SIZE, else the kept
    count, None while that is being made."""
    if len(rows) < LIST_SIZE:
        return Shortlist(rows=rows, total=len(rows))
    return Shortlist(rows=rows, total=None if counted is None else max(counted, len(rows)))


# --- Lists that name candidates (live; audited by dashboard_for) -----------------------------------

# A list row is a dict of the values it shows, read with `values()`: no model instances, and
# under the names the template reads. The dashboard's ~65 rows each named an interview, its
# application, candidate and position, ~300 instances whose building and attribute lookups
# cost the page more than its five queries did.


def _interview_values(path: str) -> dict[str, F]:
    """Whom the interview at `path` from a row is about: the candidate's name (with their id,
    which its ciphertext is bound to, see `_names_opened`), never their contact data, and the
    position's title. With `interview_id`, what each row reads of the interview it links to."""
    return {
        "candidate_id": F(f"{path}application__candidate_id"),
        "candidate_name": F(f"{path}application__candidate__full_name"),
        **_title_values(f"{path}application__position__"),
    }


def _title_values(path: str) -> dict[str, F]:
    """The title per language of the position at `path`; `_names_opened` picks the reader's. Both
    are read, so a statement kept for every viewer (`_read`) serves each language."""
    return {f"position_{name}": F(f"{path}{name}") for name in Position.TITLE_FIELDS.values()}


_CANDIDATE_NAME = Candidate._meta.get_field("full_name")


def _names_opened(rows: list[dict]) -> list[dict]:
    """Each row's `candidate_name` decrypted: `values()` reads the name as stored, a ciphertext
    bound to its candidate's row (`candidate_id`). An erased candidate's reads empty (`Erased`),
    a row naming no candidate None. The keys of every candidate the rows name are read in one
    query (docs/architecture.md, "Person keys"). With it, the `position_title` of a row that
    read one (`_title_values`), in the reader's language."""
    for row in rows:
        row["candidate_name"] = _CANDIDATE_NAME.decrypt_value(
            row["candidate_name"], row_id=row["candidate_id"]
        )
        if "position_title_en" in row:
            row["position_title"] = title_in(row, prefix="position_")
    return rows


def _with_label(rows: list[dict], model: type[models.Model], name: str) -> list[dict]:
    """Adds `<name>_label` to each row: what `get_<name>_display()` shows for its value."""
    labels = choice_labels(model._meta.get_field(name))
    for row in rows:
        row[f"{name}_label"] = labels.get(row[name], row[name])
    return rows


def _first(queryset: QuerySet, *ordering: str, limit: int) -> QuerySet:
    """The first `limit` rows of `queryset` in `ordering`, picked in a subquery before the
    joins a row's names need: joined first, PostgreSQL would join every matching row (a whole
    table of interviews) only to keep ten."""
    first = queryset.order_by(*ordering).values("pk")[:limit]
    return queryset.model._default_manager.filter(pk__in=first).order_by(*ordering)


# Every view reads each list with the same statement, but for its times (today's bounds, now),
# wherever `restrict()` adds no condition: for everyone who sees whole tables, recruiters and HR
# admins. Built and compiled by the ORM, a list's statement costs more than reading it (about
# 0.6 ms against 0.2, for each of five lists and the summary's row), so for them it is compiled
# once, with a placeholder for each time (`_Given`), and kept (`_kept`). Anyone else's lists
# are built, with their conditions, as they are read.


class _Given(Value):
    """A value a kept statement is given at each read, compiled as a placeholder. A time less a
    `timedelta` (`now - every` in `scorecards_overdue`) stays one: that time, less it."""

    def __init__(self, name: str, value, less: timedelta = timedelta(0)):
        super().__init__(value)
        self.name, self.less = name, less

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return _Given(self.name, self.value, self.less + other)
        return super().__sub__(other)

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def given(self, values: dict, connection):
        """Its value among `values`, prepared for `connection` as the ORM prepares a value (a
        time in UTC text on SQLite)."""
        value = values[self.name]
        return self.output_field.get_db_prep_value(value - self.less if self.less else value, connection)


@dataclass(frozen=True)
class _Kept:
    """A `values()` read's statement as the ORM compiled it, read again as `values()` reads it."""

    query: object
    using: str
    sql: str
    params: list
    columns: list
    names: list[str]

    @classmethod
    def compiled(cls, rows: QuerySet) -> "_Kept":
        compiler = rows.query.get_compiler(rows.db)
        sql, params = compiler.as_sql()
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        return cls(rows.query, rows.db, sql, params, columns, list(rows.query.selected))

    def read(self, values: dict) -> list[dict]:
        """The rows, with `values` given for the placeholders, converted as the ORM converts them
        (on this thread's connection)."""
        compiler = self.query.get_compiler(self.using)
        params = [
            param.given(values, compiler.connection) if isinstance(param, _Given) else param
            for param in self.params
        ]
        with compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        converters = compiler.get_converters(self.columns)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(self.names, row, strict=True)) for row in rows]


# By what builds the read and its limit.
_kept: dict[tuple[Callable, int], _Kept] = {}


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # A kept statement holds settings (the hours after which a scorecard is overdue; tests
    # change them).
    _kept.clear()


def _read(build: Callable[..., QuerySet], rows: QuerySet, *, shared: bool, limit: int, **values) -> list:
    """`build(rows, limit=limit, **values)`, a `values()` read, as a list. `shared`: its statement
    is the same at every view but for `values` (`rows` is a whole table), and is kept."""
    if not shared:
        return list(build(rows, limit=limit, **values))
    kept = _kept.get((build, limit))
    if kept is None:
        given = {name: _Given(name, value) for name, value in values.items()}
        kept = _kept[build, limit] = _Kept.compiled(build(rows, limit=limit, **given))
    return kept.read(values)


def _seen(model: type[models.Model], user) -> tuple[QuerySet, bool]:
    """The rows of `model` that `user` sees (`restrict()`), and whether they are the whole table
    (restrict() added no condition), whose reads share their statements (`_read`)."""
    every = model._default_manager.all()
    rows = restrict(every, user=user)
    return rows, rows is every


def _agenda_bounds(today: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """From the start of `today` in `tz` to the end of the AGENDA_DAYS days after it."""
    start = datetime.combine(today, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(today + timedelta(days=AGENDA_DAYS + 1), datetime.min.time(), tzinfo=tz)
    return start, end


def _agenda_interviews(interviews: QuerySet[Interview], *, start, end) -> QuerySet[Interview]:
    return interviews.filter(starts_at__gte=start, starts_at__lt=end, status__in=AGENDA_STATUSES)


def agenda_interviews_for(*, user, today: date, tz: tzinfo, limit: int = AGENDA_SIZE) -> list[dict]:
    """Interviews from the start of `today` in `tz` to the end of the AGENDA_DAYS days after it,
    earliest first (cancelled ones are not on the agenda), read along the (starts_at, id) index
    up to `limit`: `id`, `starts_at`, `kind`, `status` and their labels, and whom each is with."""
    start, end = _agenda_bounds(today, tz)
    interviews, shared = _seen(Interview, user)
    rows = _names_opened(_read(_agenda_list, interviews, shared=shared, limit=limit, start=start, end=end))
    return _with_label(_with_label(rows, Interview, "kind"), Interview, "status")


def _agenda_list(interviews: QuerySet[Interview], *, start, end, limit: int) -> QuerySet:
    first = _first(_agenda_interviews(interviews, start=start, end=end), "starts_at", "id", limit=limit)
    return first.values("id", "starts_at", "kind", "status", interview_id=F("id"), **_interview_values(""))


def overdue_scorecards_for(*, user, now: datetime, limit: int = LIST_SIZE) -> list[dict]:
    """Assigned interviewers whose scorecard is overdue (`interviews.selectors.scorecards_overdue`,
    as the interviewers' workspaces mark them), longest overdue first. Each row: the assignment's
    `id`, `interviewer_name`, `ended_at` and the interview.

    Ordered by the interview's end as the assignments carry it, along the index that holds
    them in that order, so the search stops at the first `limit` found."""
    assignments, shared = _seen(InterviewAssignment, user)
    rows = _names_opened(_read(_overdue_list, assignments, shared=shared, limit=limit, now=now))
    for row in rows:
        row["interviewer_name"] = _user_name(row)
    return rows


def _overdue_list(assignments: QuerySet[InterviewAssignment], *, now, limit: int) -> QuerySet:
    first = _first(scorecards_overdue(assignments, now=now), "interview_ends_at", "id", limit=limit)
    return first.values(
        "id",
        "interview_id",
        ended_at=F("interview_ends_at"),
        **_user_values("interviewer__"),
        **_interview_values("interview__"),
    )


def _user_values(path: str) -> dict[str, F]:
    """What a row reads of the user at `path` to name them; `_user_name` takes it out again."""
    return {name: F(f"{path}{name}") for name in ("first_name", "last_name", "username")}


def _user_name(row: dict) -> str:
    """The name of the user whose `_user_values` a row read (none for no user), taking those
    values out of the row."""
    first_name, last_name, username = row.pop("first_name"), row.pop("last_name"), row.pop("username")
    return "" if username is None else full_name(first_name, last_name) or username


def _reviews_waiting(assessments: QuerySet[AIAssessment]) -> QuerySet[AIAssessment]:
    return assessments.filter(WAITING_FOR_REVIEW)


def reviews_waiting_for(*, user, limit: int = LIST_SIZE) -> list[dict]:
    """AI assessments flagged for human review (low confidence or a poor transcript) that no one
    has reviewed yet; longest waiting first."""
    assessments, shared = _seen(AIAssessment, user)
    return _names_opened(_read(_reviews_list, assessments, shared=shared, limit=limit))


def _reviews_list(assessments: QuerySet[AIAssessment], *, limit: int) -> QuerySet:
    first = _first(_reviews_waiting(assessments), "received_at", "id", limit=limit)
    columns = ("id", "interview_id", "received_at", "overall_confidence", "transcript_quality")
    return first.values(*columns, **_interview_values("interview__"))


def _open_incidents(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.filter(resolution=Incident.Resolution.OPEN)


def open_incidents_for(*, user, limit: int = LIST_SIZE) -> list[dict]:
    """Technical failures and no-shows no one has resolved yet (no new time offered); newest first."""
    incidents, shared = _seen(Incident, user)
    rows = _names_opened(_read(_incidents_list, incidents, shared=shared, limit=limit))
    return _with_label(rows, Incident, "kind")


def _incidents_list(incidents: QuerySet[Incident], *, limit: int) -> QuerySet:
    first = _first(_open_incidents(incidents), "-occurred_at", "id", limit=limit)
    return first.values(
        "id", "interview_id", "kind", "occurred_at", "region", "provider", **_interview_values("interview__")
    )


def _failed_messages(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    return notifications.filter(status=Notification.Status.FAILED)


def failed_messages_for(*, user, limit: int = LIST_SIZE) -> list[dict]:
    """Messages the outbox gave up on, newest first: each names its `recipient` (a candidate, or
    an interviewer or recruiter, then `to_staff`) and the interview it was about, if any."""
    notifications, shared = _seen(Notification, user)
    messages = _names_opened(_read(_failed_list, notifications, shared=shared, limit=limit))
    for message in messages:
        staff_name = _user_name(message)
        message["to_staff"] = message["candidate_id"] is None
        message["recipient"] = staff_name if message["to_staff"] else message["candidate_name"]
    return _with_label(messages, Notification, "template")


def _failed_list(notifications: QuerySet[Notification], *, limit: int) -> QuerySet:
    first = _first(_failed_messages(notifications), "-due_at", "id", limit=limit)
    return first.values(
        "id",
        "template",
        "due_at",
        "attempts",
        "last_error",
        "candidate_id",
        "interview_id",
        candidate_name=F("candidate__full_name"),
        **_user_values("recipient_user__"),
        interview_starts_at=F("interview__starts_at"),
        **_title_values("interview__application__position__"),
    )


def privacy_due_for(*, user, now: datetime, limit: int = LIST_SIZE) -> list[dict]:
    """Candidates' privacy requests still open within DUE_SOON of their deadline, or past it,
    soonest deadline first (the most overdue on top): each row's `id`, `kind`, `state` and their
    labels, `deadline`, `overdue`, and the candidate's name."""
    requests, shared = _seen(PrivacyRequest, user)
    rows = _names_opened(_read(_privacy_list, requests, shared=shared, limit=limit, due_by=now + DUE_SOON))
    for row in rows:
        row["overdue"] = row["deadline"] < now
    return _with_label(_with_label(rows, PrivacyRequest, "kind"), PrivacyRequest, "state")


def _privacy_list(requests: QuerySet[PrivacyRequest], *, due_by, limit: int) -> QuerySet:
    first = _first(due_soon(requests, due_by=due_by), "deadline", "id", limit=limit)
    return first.values(
        "id", "kind", "state", "deadline", "candidate_id", candidate_name=F("candidate__full_name")
    )
