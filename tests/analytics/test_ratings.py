"""Performance ratings: one service for the API, a file and HR, its checks naming the field, one
rating per hire and period, sealed under the hire's person key, audited; HR's alone."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from analytics.models import PerformanceRating, ValidityResult
from analytics.services.ratings import RatingIn, performance_rating_record
from audit.models import AuditEvent
from hrsuite import persons
from hrsuite.errors import Conflict, Forbidden, ValidationFailed
from hrsuite.fields import is_erased
from hrsuite.persons import person_key_destroy
from tests.analytics.helpers import FIRST_HALF, SECOND_HALF, assessed, hired, rate
from tests.factories import make_position


@pytest.fixture
def hire(recruiter):
    return hired(recruiter, make_position(recruiter), {"communication": 70, "problem_solving": 60})


def test_a_recruiter_records_a_rating_sealed_under_the_hires_key_and_audited(hire, recruiter):
    rating = rate(hire, "4.5", actor=recruiter, dimensions={"communication": "4", "problem_solving": ""})
    rating.refresh_from_db()
    assert (rating.rating, rating.dimension_ratings) == ("4.5", {"communication": "4"})
    assert (rating.source, rating.recorded_by) == ("hr", recruiter)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rating, dimension_ratings FROM analytics_performancerating")
        stored = cursor.fetchone()
    assert all(value.startswith(f"p1:{hire.candidate_id.hex}") for value in stored)
    event = AuditEvent.objects.get(target_id=str(rating.pk))
    assert (event.action, event.candidate_id) == ("create", hire.candidate_id)
    assert "4.5" not in str(event.detail)
    # The department's figures are asked for.
    assert ValidityResult.objects.get(scope="department:Engineering").asked_at is not None


def test_an_erased_hires_rating_reads_as_erased(hire, recruiter):
    rating = rate(hire, "3", actor=recruiter)
    person_key_destroy(hire.candidate_id)
    persons.forget()
    assert is_erased(PerformanceRating.objects.get(pk=rating.pk).rating)


@pytest.mark.parametrize(
    ("given", "fields"),
    [
        ({"rating": "6"}, {"rating"}),
        ({"rating": "three"}, {"rating"}),
        ({"rating": "3.125"}, {"rating"}),
        ({"rating": ""}, {"rating"}),
        ({"period_start": "2026-13-01"}, {"period_start"}),
        ({"period_end": "2025-12-31"}, {"period_end"}),
        ({"period_start": "2024-01-01"}, {"period_end"}),
        ({"period_end": "2027-06-30"}, {"period_end"}),
        ({"dimension_ratings": {"charisma": "5"}}, {"dimension_ratings.charisma"}),
        ({"dimension_ratings": {"communication": "0"}}, {"dimension_ratings.communication"}),
        ({"rating": "0", "period_end": "x"}, {"rating", "period_end"}),
    ],
)
def test_bad_input_names_each_field_and_saves_nothing(hire, recruiter, given, fields):
    values = {"application": hire.pk, "period_start": "2026-01-01", "period_end": "2026-06-30", "rating": "4"}
    with pytest.raises(ValidationFailed) as refused:
        performance_rating_record(given=RatingIn(**{**values, **given}), source="hr", actor=recruiter)
    assert set(refused.value.fields) == fields
    assert not PerformanceRating.objects.exists()


def test_only_a_hire_is_rated(recruiter):
    applicant = assessed(recruiter, make_position(recruiter), {"communication": 70, "problem_solving": 60})
    with pytest.raises(ValidationFailed) as refused:
        rate(applicant, "4", actor=recruiter)
    assert set(refused.value.fields) == {"application"}


def test_one_rating_per_hire_and_period(hire, recruiter):
    rate(hire, "4", actor=recruiter)
    rate(hire, "3", actor=recruiter, period=SECOND_HALF)
    overlapping = (datetime.date(2026, 3, 1), datetime.date(2026, 8, 31))
    for period in (FIRST_HALF, overlapping):
        with pytest.raises(Conflict) as refused:
            rate(hire, "5", actor=recruiter, period=period)
        assert refused.value.code == "rating_exists" and set(refused.value.fields) == {"period_start"}
    # And the database holds it, whatever writes past the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        PerformanceRating.objects.create(
            application=hire, period_start=FIRST_HALF[0], period_end=FIRST_HALF[1], rating="2", source="hr"
        )
    assert PerformanceRating.objects.count() == 2


@pytest.mark.parametrize("role", ["hr_admin", "interviewer", "candidate_user"])
def test_only_recruiters_and_the_performance_system_write(hire, role, request):
    with pytest.raises(Forbidden):
        rate(hire, "4", actor=request.getfixturevalue(role))
    assert not PerformanceRating.objects.exists()


def test_the_hires_copy_of_their_data_holds_their_ratings(hire, recruiter, candidate_user):
    import json

    from candidates.services.candidates import candidate_portal_link
    from privacy.models import AccessBundle
    from privacy.services import access
    from privacy.services import requests as privacy_requests

    rate(hire, "3.75", actor=recruiter, dimensions={"communication": "4"})
    candidate_portal_link(candidate=hire.candidate, user=candidate_user, actor=recruiter)
    asked = privacy_requests.privacy_request_submit(actor=candidate_user, kind="access")
    privacy_requests.privacy_request_start(request=asked, actor=recruiter)
    access.access_bundles_build()
    bundle = AccessBundle.objects.get(request=asked)
    [rating] = json.loads(bundle.content_json)["performance_ratings"]
    assert rating["rating"] == "3.75" and rating["dimension_ratings"] == {"communication": "4"}
    assert rating["recorded_through"] == "hr" and "3.75" in bundle.content_html
