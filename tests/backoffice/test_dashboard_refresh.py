"""Beat's task keeps the dashboard's shared summary row fresh from a real worker, so a page view
does not pay for the counts."""

import pytest
from django.urls import reverse

from backoffice import tasks
from backoffice.models import DashboardSummary
from tests.celery_worker import wait_until
from tests.factories import make_application


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_the_shared_row_and_the_page_reads_it(client, recruiter, celery_worker):
    make_application(recruiter)
    celery_worker()

    tasks.dashboard_counts_refresh.delay()
    counted = DashboardSummary.objects.filter(scope="all", counted_at__isnull=False)
    wait_until(counted.exists, "the worker's counts")

    counted = DashboardSummary.objects.get(scope="all")
    assert sum(row["total"] for row in counted.counts["pipeline"]) == 1
    # A second application is not in the page's figures until the next refresh: the page
    # took the worker's counts instead of counting again.
    make_application(recruiter)
    client.force_login(recruiter)
    page = client.get(reverse("hr-dashboard"))
    assert page.status_code == 200
    assert page.context["board"].counted_at == counted.counted_at
    assert sum(position.total for position in page.context["board"].pipeline.positions) == 1
