"""The HR dashboard while Redis is out of reach: its counts are kept in the database, so it
renders as ever, serving its row fresh or stale, and beat counts it again, with no warning."""

import logging
from datetime import timedelta

import pytest

from backoffice import tasks
from backoffice.models import DashboardSummary
from backoffice.selectors.dashboard import SUMMARY_SECONDS
from hrsuite.roles import Role
from tests.factories import make_application, make_position, make_user

pytestmark = [pytest.mark.services, pytest.mark.django_db]

DASHBOARD = "/hr/"


def test_the_dashboard_keeps_and_recounts_its_counts_while_redis_is_down(client, redis_cache_proxy, caplog):
    recruiter = make_user(Role.RECRUITER, username="rita")
    client.force_login(recruiter)
    for _ in range(2):
        make_application(recruiter, position=make_position(recruiter))
    tasks.dashboard_counts_refresh()
    assert "of 2 open positions" in client.get(DASHBOARD).text
    redis_cache_proxy.cut()
    caplog.set_level(logging.WARNING)
    make_application(recruiter, position=make_position(recruiter))

    fresh = client.get(DASHBOARD)
    row = DashboardSummary.objects.get(scope="all")
    DashboardSummary.objects.update(counted_at=row.counted_at - timedelta(seconds=SUMMARY_SECONDS))
    stale = client.get(DASHBOARD)
    tasks.dashboard_counts_refresh()  # beat's run, asked for by the stale view
    recounted = client.get(DASHBOARD)

    assert (fresh.status_code, stale.status_code, recounted.status_code) == (200, 200, 200)
    assert "of 2 open positions" in fresh.text
    assert "of 2 open positions" in stale.text  # shown as of when it was counted
    assert "of 3 open positions" in recounted.text
    assert [record for record in caplog.records if record.name == "hrsuite.degraded"] == []
