"""Celery tasks of the notification outbox: thin, safe to run twice."""

import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications.services import outbox


@shared_task(ignore_result=True)
def outbox_dispatch(helper: bool = False) -> dict:
    """Started by beat every 20 s: sends what is due, then stays a little to catch rows falling
    due before the next beat (reminders then leave within about a second of their due time).

    Several of these may run at once (beat, a backlog, more workers): the outbox claims each row
    for exactly one of them, so they share the work instead of repeating it.
    """
    if not helper:
        # A backlog (a bulk scheduling, say) is worked by several processes side by side.
        for _ in range(min(settings.HRSUITE_OUTBOX_PARALLEL, outbox.backlog_batches()) - 1):
            outbox_dispatch.delay(helper=True)
    deadline = time.monotonic() + settings.HRSUITE_OUTBOX_DISPATCH_SECONDS
    total = outbox.DispatchResult()
    while True:
        total.add(outbox.outbox_dispatch())
        left = deadline - time.monotonic()
        if left <= 0:
            break
        due = outbox.next_due_at()
        wait = 1.0 if due is None else (due - timezone.now()).total_seconds()
        if wait > left:
            break
        # Waiting a second or less for the next due row, never scheduling ahead: a long ETA is
        # redelivered after the broker's visibility timeout and lost with the broker.
        time.sleep(min(max(wait, 0.05), 1.0))
    return vars(total)
