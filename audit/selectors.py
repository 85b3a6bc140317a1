"""Reading the audit trail: HR admins browse, filter and export it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter

import django_filters
from django.db import models
from django.db.models import Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from audit.models import AuditAction, AuditChainHead, AuditEvent
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
    """A place in the trail as one reading of it sees it, from its first page on: `head`, the
    seq of the chain's head when that page was read, and an event there: by its `seq` if it was
    chained by then, else (`id`) by its id.

    A reading shows the events not chained at its start newest first by id, on top of the chain
    as it was then (seq up to `head`), newest first by seq. That order does not change while
    the chainer links events: an event shown unchained and chained since gets a seq above
    `head` and keeps its place by id, so paging on neither shows it twice nor skips an older
    event. On the first page it is the order of `AuditEvent.objects.newest_first()`."""

    head: int
    seq: int | None = None
    id: int | None = None

    @classmethod
    def of(cls, event: AuditEvent, *, head: int) -> "TrailMark":
        if event.seq is not None and event.seq <= head:
            return cls(head=head, seq=event.seq)
        return cls(head=head, id=event.pk)


# The chain's head as a column of the events read: the same snapshot as the events themselves,
# so no event read unchained is already at or below it.
_HEAD = "trail_head_seq"


def audit_trail_read(
    trail: TrailEvents, *, mark: TrailMark | None, older: bool, limit: int
) -> tuple[list[AuditEvent], int]:
    """Up to `limit` events of `trail` next to `mark`, newest first: the older ones after it (from
    the newest event when `mark` is None), or the newer ones before it; and the head of the
    reading (see `TrailMark`; 0 when nothing was read from the top).

    Each is one read along the filter's index in seq order, and where the events not chained at
    the start of the reading take part (a page that starts among them, or reaches them going
    up), one more read of those."""
    if mark is None:
        return _newest(trail, limit)
    head = mark.head
    if older:
        if mark.seq is not None:
            return list(trail.chain.filter(seq__lt=mark.seq)[:limit]), head
        events = _fresh(trail, head, newest_first=True, id__lt=mark.id)[:limit]
        if len(events) < limit:
            events += trail.chain.filter(seq__lte=head)[: limit - len(events)]
        return events, head
    if mark.seq is not None:
        events = list(trail.chain.filter(seq__gt=mark.seq, seq__lte=head).order_by("seq")[:limit])
        if len(events) < limit:
            events += _fresh(trail, head, newest_first=False)[: limit - len(events)]
    else:
        events = _fresh(trail, head, newest_first=False, id__gt=mark.id)[:limit]
    return events[::-1], head


def _newest(trail: TrailEvents, limit: int) -> tuple[list[AuditEvent], int]:
    """The newest `limit` events, and the head they were read at: the unchained ones on top (by
    the index itself, or read apart when a time filter keeps them apart), then the chain."""
    chain = trail.chain
    events = []
    if trail.pending is not None:
        events = list(_with_head(trail.pending)[:limit])
        if events:
            chain = chain.filter(seq__lte=getattr(events[0], _HEAD))
    if len(events) < limit:
        events += _with_head(chain)[: limit - len(events)]
    return events, getattr(events[0], _HEAD) if events else 0


def _with_head(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    head = AuditChainHead.objects.values("seq")[:1]
    return events.annotate(**{_HEAD: Coalesce(Subquery(head), 0)})


def _fresh(trail: TrailEvents, head: int, *, newest_first: bool, **bound) -> list[AuditEvent]:
    """The events of `trail` (within `bound`) not chained when the chain ended at `head`: not
    chained yet, or chained since, by id. Few (the chainer links events within about a second),
    they are read whole and sorted here: in the order of ids, the database would walk the id
    index to find them, past every older event."""
    if trail.pending is None:
        events = trail.chain.filter(Q(seq__isnull=True) | Q(seq__gt=head), **bound)
    else:
        events = trail.pending.filter(**bound) | trail.chain.filter(seq__gt=head, **bound)
    return sorted(events.order_by(), key=attrgetter("pk"), reverse=newest_first)


def audit_trail_all(trail: TrailEvents) -> tuple[list[AuditEvent], QuerySet[AuditEvent]]:
    """Every event of `trail`, newest first, for an export: the unchained ones that a time filter
    keeps apart (read now), then the rest of the trail below them (a queryset to stream)."""
    if trail.pending is None:
        return [], trail.chain
    pending = list(_with_head(trail.pending))
    return pending, trail.chain.filter(seq__lte=getattr(pending[0], _HEAD)) if pending else trail.chain


def audit_chain_head_seq() -> int:
    """The seq of the last event chained (0 before the first)."""
    return AuditChainHead.objects.values_list("seq", flat=True).first() or 0


def audit_event_detail_queryset(*, user) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.all()


def _readable(user) -> QuerySet[AuditEvent]:
    return restrict(AuditEvent.objects.newest_first(), user=user)
