"""Reading the audit trail: HR admins browse, filter and export it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import django_filters
from django.db import models
from django.db.models import QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from audit.models import AuditAction, AuditEvent
from hrsuite.models import BIGINT_MAX
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered

# Record types under each of their names: a model that moved to another app keeps, on the events
# written before the move, the label it had then ("app.model"). Apps register their moves.
_TARGET_TYPE_NAMES: dict[str, set[str]] = {}


def target_type_renamed(*, former: str, current: str) -> None:
    """Events about `former` and `current` are about the same records: filtering by either label
    finds both."""
    names = _TARGET_TYPE_NAMES.get(former, {former}) | _TARGET_TYPE_NAMES.get(current, {current})
    for name in names:
        _TARGET_TYPE_NAMES[name] = names


def target_type_names(label: str) -> set[str]:
    """`label` and every other name its records were audited under."""
    return _TARGET_TYPE_NAMES.get(label, {label})


# The expression of the day indexes, as migration 0012 builds them.
_DAY = "(event.at AT TIME ZONE 'UTC')::date"
# `aggregate` of the key over each day of the range, the range within the trail's first and last
# day (GREATEST and LEAST skip a NULL, an open end): one read of the day index per day.
_DAYS_BOUND = (
    "(SELECT {aggregate}("
    "(SELECT {aggregate}(event.{key}) FROM {table} AS event WHERE {day} = span.day::date)"
    ") FROM generate_series("
    "GREATEST(%s::date, (SELECT min({day}) FROM {table} AS event)),"
    " LEAST(%s::date, (SELECT max({day}) FROM {table} AS event)),"
    " interval '1 day') AS span(day))"
)


class TimeSpanBound(models.Expression):
    """The lowest (or, `last`, the highest) `key` ("seq" or "id") among the events written from
    `since` to before `until` (either may be open), or NULL when there are none.

    A time filter alone does not say where in the trail's order its events are: walked from the
    newest event, a day 45 days back is found after every event since (250,000 of 500,000), and
    read by time, a month is 170,000 events to sort for a page of 50. Bounded by key as well, a
    list reads only its own stretch of the trail. The keys follow the time the events were
    written at, but not strictly (an event written in a long transaction is chained after later
    ones), so the bounds are those of the whole UTC days the range touches, whatever order their
    events are in: between them lie the range's events, the rest of those days' and the few
    written elsewhere in time but keyed in between.

    On PostgreSQL the bounds are read off an index of the events by UTC day and key
    (`audit_day_seq`, `audit_day_id`, migration 0012): the lowest and highest key of each day of
    the range, two index reads a day (about 1 ms for 90 days), however many events the days
    hold. Elsewhere (the embedded SQLite default, a small trail) they are aggregated over the
    range itself."""

    output_field = models.BigIntegerField()

    def __init__(self, key: str, *, last: bool, since: datetime | None, until: datetime | None):
        super().__init__()
        self.key, self.last, self.since, self.until = key, last, since, until

    def as_sql(self, compiler, connection):
        table, key, at = _quoted(connection, AuditEvent._meta.db_table, self.key, "at")
        conditions, params = [], []
        for instant, operator in ((self.since, ">="), (self.until, "<")):
            if instant is not None:
                conditions.append(f"{at} {operator} %s")
                params.append(connection.ops.adapt_datetimefield_value(instant))
        where = " AND ".join(conditions)
        return f"(SELECT {self._aggregate}({key}) FROM {table} WHERE {where})", params  # noqa: S608 - names

    def as_postgresql(self, compiler, connection):
        table, key = _quoted(connection, AuditEvent._meta.db_table, self.key)
        sql = _DAYS_BOUND.format(aggregate=self._aggregate, key=key, table=table, day=_DAY)
        return sql, [_utc_day(self.since), _utc_day(self.until, end=True)]

    @property
    def _aggregate(self) -> str:
        return "max" if self.last else "min"


def _quoted(connection, *names: str) -> list[str]:
    return [connection.ops.quote_name(name) for name in names]


def _utc_day(instant: datetime | None, *, end: bool = False) -> date | None:
    """The UTC day of `instant`; with `end`, of the last moment before it."""
    if instant is None:
        return None
    if end:
        instant -= timedelta(microseconds=1)
    return instant.astimezone(UTC).date()


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", label="Actor's user name")
    # No DISTINCT (django-filter's default for several values): the events are one table, so no
    # event can match twice, and DISTINCT over every column made PostgreSQL sort each page on
    # all of them, in parallel workers whose start cost more than the page.
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices, distinct=False)
    target_type = django_filters.CharFilter(method="filter_target_type")
    target_id = django_filters.CharFilter()
    candidate = django_filters.UUIDFilter(field_name="candidate_id")
    request_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "candidate", "request_id", "since", "until"]

    def __init__(self, *args, bound: str | None = None, **kwargs):
        """`bound`: the key ("seq" or "id") a time filter also bounds (`TimeSpanBound`); on "seq",
        the unchained events, which have none, are left out."""
        super().__init__(*args, **kwargs)
        self.bound = bound

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        since, until = self.form.cleaned_data.get("since"), self.form.cleaned_data.get("until")
        if not self.bound or (since is None and until is None):
            return queryset
        key, span = self.bound, {"since": since, "until": until}
        if since is not None:
            queryset = queryset.filter(**{f"{key}__gte": TimeSpanBound(key, last=False, **span)})
        if until is not None:
            queryset = queryset.filter(**{f"{key}__lte": TimeSpanBound(key, last=True, **span)})
        return queryset

    def filter_target_type(self, queryset, name, value):
        names = target_type_names(value)
        return (
            queryset.filter(target_type=value) if len(names) == 1 else queryset.filter(target_type__in=names)
        )


@dataclass(frozen=True)
class TrailEvents:
    """The events `filters` select, as the trail's readers read them: `chain` is paged by seq, and
    `pending`, when not None, holds the unchained events (newest first, by id), which a time
    filter leaves out of `chain` to bound its seqs; they are read apart, on top."""

    chain: QuerySet[AuditEvent]
    pending: QuerySet[AuditEvent] | None


def audit_trail_for(*, user, filters=None) -> TrailEvents:
    """The events `filters` select, for the trail page, the API and the CSV export."""
    events = _readable(user)
    if not (filters and (filters.get("since") or filters.get("until"))):
        return TrailEvents(chain=filtered(AuditEventFilter, filters, events), pending=None)
    return TrailEvents(
        chain=filtered(AuditEventFilter, filters, events, bound="seq"),
        pending=filtered(AuditEventFilter, filters, events.filter(seq__isnull=True)),
    )


@dataclass(frozen=True)
class TrailMark:
    """An event a reading of the trail has shown, where the next page starts: by its `seq` if it
    was chained when shown, else (`id`) by its id. Nothing else: no page depends on when the
    reading began, and a mark by id is looked up again (`audit_trail_read`)."""

    seq: int | None = None
    id: int | None = None

    @classmethod
    def of(cls, event: AuditEvent) -> "TrailMark":
        return cls(seq=event.seq) if event.seq is not None else cls(id=event.pk)


class UnknownMark(Exception):
    """A mark by id names no event of the trail read (a forged id, or one of another filter)."""


def audit_trail_read(
    trail: TrailEvents, *, mark: TrailMark | None, older: bool, limit: int
) -> list[AuditEvent]:
    """Up to `limit` events of `trail` next to `mark`, newest first: the older ones after it (from
    the newest event when `mark` is None), or the newer ones before it. Raises UnknownMark.

    A mark by id stands for the event's seq now if it has been chained since it was shown: the
    chainer links the committed events in id order (`audit.services.audit_chain_pending`;
    docs/architecture.md, "Audit trail"), so the events that were unchained below it when it was
    shown are chained below that seq now, and those shown above it, above. Each read is one
    statement along an index in the trail's order with a LIMIT of `limit` events, whatever the
    mark or however long ago it was shown: two reads at most going older, four going newer up
    to the top of the trail, and a lookup by key for a mark by id."""
    if mark is None:
        if trail.pending is None:
            return list(trail.chain[:limit])  # the unchained events on top, by the index itself
        return _below_unchained(trail, None, limit)
    if mark.id is None:
        seq = mark.seq
    elif older:
        seq = _seq_of(trail, mark.id)
        if seq is None:
            return _below_unchained(trail, mark.id, limit)
    else:
        # Read first, looked up after: if the mark is still unchained, so were the events above
        # it when they were read (the chainer links it before them).
        above = list(_unchained(trail).filter(id__gt=mark.id).order_by("id")[:limit])
        seq = _seq_of(trail, mark.id)
        if seq is None:
            return above[::-1]
    if older:
        return list(_chained(trail).filter(seq__lt=seq)[:limit])
    events = list(_chained(trail).filter(seq__gt=seq).order_by("seq")[:limit])
    if len(events) < limit:
        # The top of the trail: the unchained events, and the chain read again below the oldest
        # of them, as the chainer may have linked some of them in between.
        unchained = list(_unchained(trail).order_by("id")[:limit])
        below = (
            _chained(trail)
            .filter(seq__gt=seq, seq__lt=_seq_below([event.pk for event in unchained[:1]]))
            .order_by("seq")
        )
        events = (list(below[:limit]) + unchained)[:limit]
    return events[::-1]


def _below_unchained(trail: TrailEvents, below: int | None, limit: int) -> list[AuditEvent]:
    """The unchained events (with an id below `below`, if given) newest first, then the chain
    below them: read after them, below the seq the oldest of them read (or `below`) got if the
    chainer has linked it in between, and with it those above it."""
    unchained = _unchained(trail)
    if below is not None:
        unchained = unchained.filter(id__lt=below)
    events = list(unchained.order_by("-id")[:limit])
    if len(events) < limit:
        shown = [event.pk for event in events[-1:]] + ([below] if below is not None else [])
        events += _chained(trail).filter(seq__lt=_seq_below(shown))[: limit - len(events)]
    return events


def _unchained(trail: TrailEvents) -> QuerySet[AuditEvent]:
    return trail.chain.filter(seq__isnull=True) if trail.pending is None else trail.pending


def _chained(trail: TrailEvents) -> QuerySet[AuditEvent]:
    return trail.chain.filter(seq__isnull=False) if trail.pending is None else trail.chain


def _seq_below(ids) -> models.Expression:
    """In a statement: the lowest seq of the events `ids` (looked up by key), past any seq if none
    is chained."""
    past = Value(BIGINT_MAX, output_field=models.BigIntegerField())
    if not ids:
        return past
    seqs = AuditEvent.objects.filter(pk__in=ids, seq__isnull=False).order_by("seq").values("seq")[:1]
    return Coalesce(Subquery(seqs), past)


def _seq_of(trail: TrailEvents, pk: int) -> int | None:
    """The seq of the trail's event `pk` now (None: still unchained), looked up by key."""
    events = trail.chain if trail.pending is None else trail.chain | trail.pending
    found = list(events.filter(pk=pk).order_by().values_list("seq", flat=True)[:1])
    if not found:
        raise UnknownMark(pk)
    return found[0]


def audit_trail_all(trail: TrailEvents) -> tuple[list[AuditEvent], QuerySet[AuditEvent]]:
    """Every event of `trail`, newest first, for an export: the unchained ones that a time filter
    keeps apart (read now), then the chain below them (a queryset to stream), up to the seq of
    the oldest of them read if the chainer has linked it since."""
    if trail.pending is None:
        return [], trail.chain
    pending = list(trail.pending)
    return pending, trail.chain.filter(seq__lt=_seq_below([event.pk for event in pending[-1:]]))


def audit_event_detail_queryset(*, user) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.all()


def _readable(user) -> QuerySet[AuditEvent]:
    return restrict(AuditEvent.objects.newest_first(), user=user)
