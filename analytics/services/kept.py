"""The figures analytics keeps, computed by beat (docs/architecture.md, "Later performance and
validity"): each row due is claimed by compare-and-set on `computing_since` (taken over after
CLAIM_MINUTES from a run that died), so runs that overlap compute each once, and its ask is
cleared only if no new one came while it was computed."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

CLAIM_MINUTES = 10


def kept_rows_refresh(
    rows: QuerySet, *, key: str, compute: Callable[..., None], now: datetime, stale: datetime, limit: int
) -> list:
    """Computes `compute(<key value>, now=)` for each of `rows` asked for, never computed, or
    computed before `stale`, `limit` at most, oldest ask first; returns the key values computed.
    One row's failure is logged and costs the others nothing: its ask stays, for the next run."""
    due = (
        rows.filter(Q(asked_at__isnull=False) | Q(computed_at__isnull=True) | Q(computed_at__lt=stale))
        .filter(
            Q(computing_since__isnull=True) | Q(computing_since__lt=now - timedelta(minutes=CLAIM_MINUTES))
        )
        .order_by("asked_at", "computed_at")
        .values_list("pk", key, "asked_at", "computing_since")[:limit]
    )
    model = rows.model
    done = []
    for pk, value, asked_at, claim in list(due):
        started = timezone.now()
        if not model.objects.filter(pk=pk, computing_since=claim).update(computing_since=started):
            continue  # another run claimed it first
        try:
            compute(value, now=started)
        except Exception:
            logger.exception("%s of %s not computed", model._meta.verbose_name, value)
            continue
        finally:
            model.objects.filter(pk=pk, computing_since=started).update(computing_since=None)
        # An ask that came while it was computed is kept, for the next run.
        model.objects.filter(pk=pk, asked_at=asked_at).update(asked_at=None)
        done.append(value)
    return done
