"""The claim-and-retry queue: a table whose rows several dispatchers work through at once, each
row by exactly one of them, surviving a dispatcher killed half-way (docs/architecture.md,
"The claim-and-retry queue"). The notification outbox and the provisioning deliveries are such tables.

A row is 'pending' until due, then claimed: a `select_for_update(skip_locked=True)` pick and a
pending→sending compare-and-set that commits before any work starts, so a second dispatcher skips
it. The claimer refreshes `claimed_at` before each piece of work (`still_mine`) and records the
outcome with a compare-and-set on its own claim (`finish`); rows whose claim went quiet for longer
than a timeout are the dead dispatcher's (`stale`), put back (`release`) or given up on by the
caller. Each attempt counts in `attempts`; a failed one waits `backoff(attempts)` before the next.
"""

from collections.abc import Iterable
from dataclasses import dataclass
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

    def claim(
        self,
        *,
        batch_size: int,
        now: datetime,
        waiting: QuerySet | None = None,
        select_related: Iterable[str] = (),
    ) -> list:
        """Take up to `batch_size` due rows of `waiting` (default: all rows), earliest first, for
        this dispatcher: locked rows of another one are skipped, and the switch to 'sending'
        commits before anything is sent, so a second dispatcher never works the same row."""
        waiting = self.model._default_manager.all() if waiting is None else waiting
        with transaction.atomic():
            ids = list(
                waiting.select_for_update(skip_locked=True)
                .filter(status=self.pending, **{f"{self.due_field}__lte": now})
                .order_by(self.due_field)
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
            .order_by(self.due_field)
        )

    def mine(self, row) -> QuerySet:
        """The row, as long as this claim on it holds."""
        return self.model._default_manager.filter(pk=row.pk, status=self.sending, claimed_at=row.claimed_at)

    def still_mine(self, row, now: datetime) -> bool:
        """Refresh the claim before working the row; False when it was reclaimed meanwhile."""
        if self.mine(row).update(claimed_at=now):
            row.claimed_at = now
            return True
        return False

    def finish(self, row, *, now: datetime, **changes) -> bool:
        """Compare-and-set from this claim's 'sending' to the outcome."""
        return bool(self.mine(row).update(updated_at=now, **changes))

    def stale(self, *, now: datetime, timeout_seconds: float) -> QuerySet:
        """Rows left in 'sending' by a dispatcher that died: a live one refreshes its claim before
        each row, so only one silent for the whole timeout loses its rows."""
        cutoff = now - timedelta(seconds=timeout_seconds)
        return self.model._default_manager.filter(status=self.sending, claimed_at__lt=cutoff)

    def release(self, rows: QuerySet, *, now: datetime) -> int:
        """Claimed rows back to 'pending', for the next dispatch to claim again."""
        return rows.update(status=self.pending, claimed_at=None, updated_at=now)
