"""The HR dashboard while Redis, which keeps its counts, is out of reach: it renders, with counts
made from the database on each view instead of a stale or missing summary."""

import logging

import pytest

from hrsuite.roles import Role
from tests.factories import make_application, make_position, make_user

pytestmark = [pytest.mark.services, pytest.mark.django_db]

DASHBOARD = "/hr/"


def test_the_dashboard_counts_from_the_database_while_redis_is_down(client, redis_cache_proxy, caplog):
    recruiter = make_user(Role.RECRUITER, username="rita")
    client.force_login(recruiter)
    for _ in range(2):
        make_application(recruiter, position=make_position(recruiter))
    assert "of 2 open positions" in client.get(DASHBOARD).text  # and now in the cache
    redis_cache_proxy.cut()
    caplog.set_level(logging.WARNING)
    make_application(recruiter, position=make_position(recruiter))

    page = client.get(DASHBOARD)

    assert page.status_code == 200
    assert "of 3 open positions" in page.text
    warnings = [record for record in caplog.records if record.name == "hrsuite.degraded"]
    assert [record.levelno for record in warnings] == [logging.WARNING]
