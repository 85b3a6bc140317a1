"""The dashboard's shared counts are kept warm by beat's task in a cache the web processes share,
so a page view does not pay for them; with a per-process cache the page counts for itself."""

from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from backoffice import tasks
from backoffice.selectors import dashboard as selectors
from tests.celery_worker import wait_until
from tests.factories import make_application


def _redis_cache_url(broker_url: str) -> str:
    """A Redis database of its own, next to the broker's."""
    parts = urlsplit(broker_url)
    return urlunsplit(parts._replace(path="/13"))


@pytest.mark.django_db
def test_with_a_per_process_cache_the_task_leaves_the_counting_to_the_page(recruiter):
    cache.clear()
    assert tasks.dashboard_counts_refresh() is False
    assert cache.get(selectors._counts_key("all")) is None


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_the_shared_counts_and_the_page_reads_them(
    client, recruiter, celery_worker, celery_broker
):
    location = _redis_cache_url(celery_broker)
    redis_cache = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    }
    with override_settings(CACHES=redis_cache):
        cache.clear()
        make_application(recruiter)
        celery_worker(CACHE_URL=location)

        tasks.dashboard_counts_refresh.delay()
        wait_until(lambda: cache.get(selectors._counts_key("all")) is not None, "the worker's counts")

        counted = cache.get(selectors._counts_key("all"))
        assert sum(row["total"] for row in counted.pipeline) == 1
        # A second application is not in the page's figures until the next refresh: the page
        # took the worker's counts instead of counting again.
        make_application(recruiter)
        client.force_login(recruiter)
        page = client.get(reverse("hr-dashboard"))
        assert page.status_code == 200
        assert page.context["board"].counted_at == counted.counted_at
        cache.clear()
