"""HR enters a hire's rating on the candidate file: the form on a hired application, its refusal
naming the field, the ratings listed for HR; HR admins read them without the form."""

import pytest
from django.urls import reverse

from analytics.models import PerformanceRating
from tests.analytics.helpers import hired
from tests.factories import make_position


@pytest.fixture
def hire(recruiter):
    return hired(recruiter, make_position(recruiter), {"communication": 70, "problem_solving": 60})


def _post(client, hire, **values):
    data = {
        "action": "rating_record",
        "application": str(hire.pk),
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "rating": "4",
        **values,
    }
    return client.post(reverse("hr-candidate", args=[hire.candidate_id]), data)


def test_a_recruiter_rates_a_hire_on_their_file(client, recruiter, hire):
    client.force_login(recruiter)
    response = _post(client, hire, **{"dimension.communication": "3.5"})
    assert response.status_code == 302
    rating = PerformanceRating.objects.get()
    assert (rating.rating, rating.dimension_ratings, rating.source) == ("4", {"communication": "3.5"}, "hr")
    page = client.get(reverse("hr-candidate", args=[hire.candidate_id])).content.decode()
    assert "Later performance" in page and "Communication: 3.5" in page


def test_a_refused_rating_comes_back_with_its_field_error(client, recruiter, hire):
    client.force_login(recruiter)
    response = _post(client, hire, rating="9", **{"dimension.problem_solving": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    # Next to each field, and in the summary at the top.
    assert page.count("Must be between 1 and 5.") == 4 and 'value="9"' in page
    assert not PerformanceRating.objects.exists()


def test_an_hr_admin_reads_the_ratings_and_gets_no_form(client, recruiter, hr_admin, hire):
    client.force_login(recruiter)
    _post(client, hire)
    client.force_login(hr_admin)
    page = client.get(reverse("hr-candidate", args=[hire.candidate_id])).content.decode()
    assert "Later performance" in page and "Record a performance rating" not in page
    assert _post(client, hire, period_start="2026-07-01", period_end="2026-11-30").status_code == 403
    assert PerformanceRating.objects.count() == 1
