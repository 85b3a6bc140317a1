"""The performance system's way in: `POST /api/performance-ratings/` with an integration token
whose scope is `record_performance`; a token of another scope is refused, and neither reads."""

import pytest
from rest_framework.test import APIClient

from accounts.services import integration_create
from analytics.models import PerformanceRating
from tests.analytics.helpers import hired
from tests.factories import make_position

URL = "/api/performance-ratings/"


@pytest.fixture
def hire(recruiter):
    return hired(recruiter, make_position(recruiter), {"communication": 70, "problem_solving": 60})


def _token_client(name, scopes):
    _user, token = integration_create(name=name, scopes=scopes, actor="system:test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _body(hire, **overrides):
    return {
        "application": str(hire.pk),
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "rating": "4.5",
        "dimension_ratings": {"communication": "4"},
        **overrides,
    }


def test_the_performance_systems_scoped_token_posts_a_rating_and_reads_none(hire):
    system = _token_client("performance", ["record_performance"])
    response = system.post(URL, _body(hire), format="json")
    assert response.status_code == 201, response.content
    rating = PerformanceRating.objects.get(pk=response.json()["id"])
    assert (rating.source, rating.rating, rating.recorded_by.username) == (
        "api",
        "4.5",
        "integration:performance",
    )
    # It writes; it does not read ratings, nor anything else.
    assert system.get(URL).json()["results"] == []
    assert system.get(f"{URL}{rating.pk}/").status_code == 404
    assert system.get("/api/candidates/").json()["results"] == []


def test_a_token_without_the_scope_is_refused(hire):
    assessing = _token_client("simulated", ["assess_interviews"])
    response = assessing.post(URL, _body(hire), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not PerformanceRating.objects.exists()
    assert APIClient().post(URL, _body(hire), format="json").status_code == 401


def test_the_api_names_the_field_in_error_and_a_second_rating_of_a_period_conflicts(hire):
    system = _token_client("performance", ["record_performance"])
    bad = system.post(URL, _body(hire, rating="7", period_end="2026-02-30"), format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"rating", "period_end"}
    unknown = system.post(URL, _body(hire, dimension_ratings={"charisma": "5"}), format="json")
    assert unknown.status_code == 400
    assert set(unknown.json()["error"]["fields"]) == {"dimension_ratings.charisma"}
    not_a_hire = system.post(
        URL, _body(hire, application="6a0f7b4e-0000-4000-8000-000000000000"), format="json"
    )
    assert set(not_a_hire.json()["error"]["fields"]) == {"application"}
    assert system.post(URL, _body(hire), format="json").status_code == 201
    again = system.post(URL, _body(hire, rating="3"), format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "rating_exists"
    assert PerformanceRating.objects.count() == 1


def test_hr_reads_the_ratings_and_the_read_is_audited(api, hire, recruiter, hr_admin):
    from audit.models import AuditEvent

    rating = _token_client("performance", ["record_performance"]).post(URL, _body(hire), format="json").json()
    for user in (recruiter, hr_admin):
        listed = api.as_user(user).get(URL, {"candidate": str(hire.candidate_id)}).json()["results"]
        assert [(row["id"], row["rating"]) for row in listed] == [(rating["id"], "4.5")]
    assert AuditEvent.objects.filter(action="list", target_type="analytics.performancerating").count() == 2


def test_the_command_issues_a_performance_systems_token(hire):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("integration_token", "hris", "--scope", "record_performance", stdout=out)
    username, token = out.getvalue().strip().split(": ")
    assert username == "integration:hris"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(URL, _body(hire), format="json").status_code == 201
