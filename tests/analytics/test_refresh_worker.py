"""Beat's task computes the figures new ratings asked for, in a real worker; the page then reads
what the worker kept and computes nothing."""

import pytest
from django.urls import reverse

from analytics import tasks
from analytics.models import ValidityResult
from tests.analytics.helpers import hired, rate
from tests.celery_worker import wait_until
from tests.factories import make_position


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_computes_what_a_rating_asked_for_and_the_page_reads_it(client, recruiter, celery_worker):
    position = make_position(recruiter, department="Support")
    for i, rating in enumerate(["2", "3", "3.5", "4", "5"]):
        hire = hired(recruiter, position, {"communication": 50 + 8 * i, "problem_solving": 70 - i})
        rate(hire, rating, actor=recruiter)
    asked = ValidityResult.objects.get(scope="department:Support")
    assert asked.asked_at is not None and asked.figures is None
    celery_worker(HRSUITE_VALIDITY_MIN_N="5")

    tasks.validity_refresh.delay()
    computed = ValidityResult.objects.filter(position=position, computed_at__isnull=False)
    wait_until(computed.exists, "the worker's figures")
    wait_until(
        lambda: ValidityResult.objects.get(scope="department:Support").asked_at is None, "the ask answered"
    )

    result = computed.get()
    row = next(r for r in result.figures["rows"] if (r["source"], r["dimension"]) == ("ai", "communication"))
    assert row["n"] == 5 and row["pearson"]["r"] > 0.9
    client.force_login(recruiter)
    page = client.get(reverse("hr-validity", args=[result.pk]))
    # This process's minimum n is the default 30: the page shows the worker's figures as kept.
    assert page.status_code == 200 and "interval-chart" in page.content.decode()
    assert page.context["figures"]["min_n"] == 5
