"""Dispatchers working side by side against PostgreSQL and a slow SMTP server: a live dispatcher's
claim is never taken from it, however long its batch takes."""

import threading

import pytest
from django.db import connection

from notifications.models import Notification
from notifications.rendering import message_id
from notifications.services.outbox import DispatchResult, outbox_dispatch
from tests.celery_worker import wait_until
from tests.conftest import ON_POSTGRES
from tests.interviews.outbox_helpers import queue, schedule

# SQLite's in-memory test database refuses a second writer at once ("database table is
# locked") instead of making it wait, so two dispatchers side by side fail there by timing.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


def _dispatcher(results: list[DispatchResult], errors: list[BaseException]) -> None:
    """One dispatcher as a beat-started task runs it: a batch at a time, reclaiming stale rows
    before each, until nothing is due."""
    try:
        while True:
            result = outbox_dispatch(max_batches=1)
            results.append(result)
            if not result.handled and not result.reclaimed:
                break
    except BaseException as exc:  # the test reports it: a thread cannot fail the test itself
        errors.append(exc)
    finally:
        connection.close()


def test_a_live_dispatchers_batch_is_never_reclaimed_by_another(recruiter, smtp_server, settings):
    # Each message takes 0.15 s at the server, so a batch of 20 takes 3 s: longer than the claim
    # timeout. Only a dispatcher that renews its whole batch keeps the rows it has not sent yet.
    settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT = 2
    settings.HRSUITE_OUTBOX_BATCH_SIZE = 20
    smtp_server.sink.delay_data = 0.15
    rows = [queue("invitation", schedule(recruiter)) for _ in range(80)]

    results: list[DispatchResult] = []
    errors: list[BaseException] = []
    dispatchers = [threading.Thread(target=_dispatcher, args=(results, errors)) for _ in range(2)]
    dispatchers[0].start()
    # The second starts a few messages later, so each claims its next batch (and looks for stale
    # rows) while the other is deep in one.
    wait_until(lambda: smtp_server.sink.accepted >= 5, "the first dispatcher's first messages")
    dispatchers[1].start()
    for dispatcher in dispatchers:
        dispatcher.join(timeout=60)

    assert not errors
    assert sum(result.reclaimed for result in results) == 0
    assert sum(result.sent for result in results) == 80
    assert smtp_server.sink.ids == {message_id(row): 1 for row in rows}
    sent = Notification.objects.filter(pk__in=[row.pk for row in rows])
    assert set(sent.values_list("status", "attempts")) == {("sent", 1)}
