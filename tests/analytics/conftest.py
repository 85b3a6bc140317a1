import pytest
import time_machine

from tests.analytics.helpers import today_after_periods


@pytest.fixture(autouse=True)
def _after_the_rated_periods():
    """Every test runs on a day after the periods its hires are rated for."""
    with time_machine.travel(today_after_periods(), tick=True):
        yield
