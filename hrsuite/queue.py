"""The claim-and-retry queue: a table whose rows several dispatchers work through at once, each
row by exactly one of them, surviving a dispatcher killed half-way (docs/architecture.md,
"The claim-and-retry queue"). The notification outbox and the provisioning deliveries are such tables.

A row is 'pending' until due, then claimed: a `select_for_update(skip_locked=True)` pick and a
pending→sending compare-and-set that commits before any work starts, so a second dispatcher skips
it. The rows claimed together are one `Claim`: while working through them the claimer renews
`claimed_at` of every row it still holds, in one compare-and-set a few seconds apart (the
heartbeat), and records each outcome with a compare-and-set on its claim (`finish`). Rows whose
claim went quiet for longer than a timeout are a dead dispatcher's (`stale`), put back (`release`)
or given up on by the caller. Each attempt counts in `attempts`; a failed one waits
`backoff(attempts)` before the next.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F, QuerySet


def backoff(attempts: int, *, base_seconds: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt, doubling from `base_seconds`."""
    return timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class ClaimQueue:
    """The queue moves of one model: its `status` values for waiting and being worked on, and the
    field saying when a waiting row is due. The rows carry `status`, `attempts`, `claimed_at` and
    `updated_at`."""

    model: type[models.Model]
    pending: str
    sending: str
    due_field: str
    # A field whose lower values are claimed first among the rows due; None: by due time alone.
    priority_field: str | None = None

    def _order(self) -> list[str]:
        return [self.priority_field, self.due_field] if self.priority_field else [self.due_field]

    def claim(
        self,
        *,
        batch_size: int,
        now: datetime,
        waiting: QuerySet | None = None,
        select_related: Iterable[str] = (),
    ) -> list:
        """Take up to `batch_size` due rows of `waiting` (default: all rows), highest priority and
        earliest first, for this dispatcher: locked rows of another one are skipped, and the
        switch to 'sending' commits before anything is sent, so a second dispatcher never works
        the same row."""
        waiting = self.model._default_manager.all() if waiting is None else waiting
        with transaction.atomic():
            ids = list(
                waiting.select_for_update(skip_locked=True)
                .filter(status=self.pending, **{f"{self.due_field}__lte": now})
                .order_by(*self._order())
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return []
            self.model._default_manager.filter(pk__in=ids, status=self.pending).update(
                status=self.sending, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
            )
        return list(
            self.model._default_manager.filter(pk__in=ids, status=self.sending, claimed_at=now)
            .select_related(*select_related)
            .order_by(*self._order())
        )

    def claim_batch(self, *, renew_every: timedelta, **options) -> "Claim":
        """`claim`, held as one batch whose claim is renewed every `renew_every` while worked."""
        rows = self.claim(**options)
        return Claim(queue=self, rows=rows, claimed_at=options["now"], renew_every=renew_every)

    def mine(self, row) -> QuerySet:
        """The row, as long as this claim on it holds."""
        return self.model._default_manager.filter(pk=row.pk, status=self.sending, claimed_at=row.claimed_at)

    def finish(self, row, *, now: datetime, **changes) -> bool:
        """Compare-and-set from this claim's 'sending' to the outcome."""
        return bool(self.mine(row).update(updated_at=now, **changes))

    def stale(self, *, now: datetime, timeout_seconds: float) -> QuerySet:
        """Rows left in 'sending' by a dispatcher that died: a live one renews its whole batch's
        claim well within the timeout, so only one silent for the whole timeout loses its rows."""
        cutoff = now - timedelta(seconds=timeout_seconds)
        return self.model._default_manager.filter(status=self.sending, claimed_at__lt=cutoff)

    def release(self, rows: QuerySet, *, now: datetime) -> int:
        """Claimed rows back to 'pending', for the next dispatch to claim again."""
        return rows.update(status=self.pending, claimed_at=None, updated_at=now)


@dataclass
class Claim:
    """The rows one dispatcher claimed together, all carrying the same `claimed_at`.

    `holds` renews the claim of every row still held, in one compare-and-set on `claimed_at`, when
    `renew_every` has passed since the last renewal: a live dispatcher's unsent rows never go stale
    however long the batch takes, as long as no single row takes longer than the claim timeout
    less `renew_every`.
    """

    queue: ClaimQueue
    rows: list
    claimed_at: datetime
    renew_every: timedelta
    held: set = field(init=False)

    def __post_init__(self):
        self.held = {row.pk for row in self.rows}

    def __iter__(self):
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def _still_held(self) -> QuerySet:
        return self.queue.model._default_manager.filter(
            pk__in=self.held, status=self.queue.sending, claimed_at=self.claimed_at
        )

    def holds(self, row, *, now: datetime) -> bool:
        """Whether the row is still this dispatcher's to work, renewing the batch's claim when due."""
        if now - self.claimed_at >= self.renew_every:
            self.renew(now)
        return row.pk in self.held

    def renew(self, now: datetime) -> None:
        """One UPDATE moves the claim of every row still held to `now`; a row finished or
        reclaimed meanwhile is no longer held."""
        held = list(self.held)
        renewed = self._still_held().update(claimed_at=now)
        if renewed != len(held):
            self.held = set(
                self.queue.model._default_manager.filter(
                    pk__in=held, status=self.queue.sending, claimed_at=now
                ).values_list("pk", flat=True)
            )
        self.claimed_at = now
        for row in self.rows:
            row.claimed_at = now

    def finish(self, row, *, now: datetime, **changes) -> bool:
        """Compare-and-set from this claim's 'sending' to the outcome; the row is no longer held."""
        self.held.discard(row.pk)
        return self.queue.finish(row, now=now, **changes)

    def finish_all(self, rows: list, *, now: datetime, **changes) -> int:
        """`finish` for several rows in one UPDATE (a change may be an expression that differs by
        row); how many were still this claim's."""
        keys = [row.pk for row in rows]
        self.held.difference_update(keys)
        return self.queue.model._default_manager.filter(
            pk__in=keys, status=self.queue.sending, claimed_at=self.claimed_at
        ).update(updated_at=now, **changes)
