"""The positions API: the same fields and the same checks as the HR pages (the service's, with
the field named), partial changes, the moves between open, on hold and closed, and a closed
position refusing applications. Who may do what is tests/authz.py's."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from candidates.models import Application, Position
from tests.factories import make_candidate, make_position

pytestmark = pytest.mark.django_db

LIST = reverse("position-list")


def _detail(position) -> str:
    return reverse("position-detail", args=[position.pk])


def _transition(position) -> str:
    return reverse("position-transition", args=[position.pk])


def _body(**overrides) -> dict:
    return {
        "title_en": "QA Engineer",
        "title_zh_hans": "测试工程师",
        "department": "Engineering",
        "region": "US-IL",
        "time_zone": "America/Chicago",
        "headcount": 3,
        "interview_plan": [
            {"kind": "phone", "duration_minutes": 30},
            {"kind": "onsite", "duration_minutes": 90},
        ],
        "dimension_weights": {"communication": 0.3, "test_design": 0.7},
        "dimension_labels": {"test_design": {"en": "Test design", "zh-hans": "测试设计"}},
        **overrides,
    }


def _error(response, status) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_recruiter_creates_a_position_with_every_field(api, recruiter, interviewer):
    response = api.as_user(recruiter).post(LIST, _body(interviewers=[interviewer.pk]), format="json")

    assert response.status_code == 201, response.content
    answer = response.json()
    position = Position.objects.get(pk=answer["id"])
    assert answer["title"] == "QA Engineer" and answer["title_zh_hans"] == "测试工程师"
    assert answer["owner"] == recruiter.pk and answer["interviewers"] == [interviewer.pk]
    assert answer["interview_plan"] == _body()["interview_plan"] and answer["headcount"] == 3
    assert answer["status"] == "open" and answer["region"] == "US-IL"
    assert [d["label"] for d in answer["dimensions"]] == ["Test design", "Communication"]
    assert position.dimension_labels == _body()["dimension_labels"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, target_id=str(position.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title_en": "", "title_zh_hans": ""}, "title_en"),
        ({"region": "ZZ"}, "region"),
        ({"time_zone": "Moon/Tranquility"}, "time_zone"),
        ({"headcount": 0}, "headcount"),
        ({"interview_plan": [{"kind": "telepathy", "duration_minutes": 30}]}, "interview_plan[0].kind"),
        ({"dimension_weights": {"communication": 0.3, "test_design": 0.3}}, "dimension_weights"),
        ({"dimension_labels": {"charm": {"en": "Charm"}}}, "dimension_labels"),
    ],
)
def test_the_api_refuses_what_the_pages_refuse_naming_the_field(api, recruiter, overrides, field):
    error = _error(api.as_user(recruiter).post(LIST, _body(**overrides), format="json"), 400)
    assert field in error["fields"] and field in error["message"]
    assert not Position.objects.exists()


def test_a_change_names_only_the_fields_it_changes(api, recruiter, interviewer):
    position = make_position(recruiter)
    client = api.as_user(recruiter)

    response = client.patch(
        _detail(position),
        {"headcount": 4, "interviewers": [interviewer.pk], "title_zh_hans": "工程师"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["headcount"] == 4 and response.json()["title_zh_hans"] == "工程师"
    position.refresh_from_db()
    assert position.department == "Engineering" and list(position.interviewers.all()) == [interviewer]
    assert _error(client.patch(_detail(position), {"region": "Narnia"}, format="json"), 400)[
        "fields"
    ].keys() == {"region"}
    # The delay of a rejected candidate's message, as before.
    assert client.patch(_detail(position), {"rejection_notice_hours": 72}, format="json").status_code == 200
    assert Position.objects.get(pk=position.pk).rejection_notice_hours == 72


def test_the_moves_and_a_refused_one(api, recruiter):
    position = make_position(recruiter)
    client = api.as_user(recruiter)
    assert client.post(_transition(position), {"event": "hold"}).json()["status"] == "on_hold"
    assert client.post(_transition(position), {"event": "close"}).json()["status"] == "closed"
    error = _error(client.post(_transition(position), {"event": "hold"}), 409)
    assert error["code"] == "invalid_transition" and "closed" in error["message"]
    assert _error(client.post(_transition(position), {"event": "explode"}), 400)["fields"].keys() == {"event"}
    assert client.post(_transition(position), {"event": "reopen"}).json()["status"] == "open"


def test_a_closed_position_refuses_an_application_through_the_api(api, recruiter):
    position = make_position(recruiter)
    candidate = make_candidate(recruiter)
    client = api.as_user(recruiter)
    client.post(_transition(position), {"event": "close"})

    body = {"candidate": str(candidate.pk), "position": str(position.pk)}
    error = _error(client.post(reverse("application-list"), body), 409)

    assert error["code"] == "position_not_open" and list(error["fields"]) == ["position"]
    assert not Application.objects.exists()


def test_hr_admins_read_positions_and_change_none(api, recruiter, hr_admin):
    position = make_position(recruiter)
    client = api.as_user(hr_admin)
    assert client.get(_detail(position)).json()["title"] == position.title_en
    assert client.post(LIST, _body(), format="json").status_code == 403
    assert client.patch(_detail(position), {"headcount": 9}, format="json").status_code == 403
    assert client.post(_transition(position), {"event": "close"}).status_code == 403
    position.refresh_from_db()
    assert (position.headcount, position.status) == (1, "open")


def test_the_schema_describes_the_positions_fields(api, recruiter):
    schema = api.as_user(recruiter).get(reverse("schema"), {"format": "json"}).json()
    position_in = schema["components"]["schemas"]["PositionIn"]["properties"]
    assert {"title_en", "title_zh_hans", "interviewers", "interview_plan", "dimension_labels"} <= set(
        position_in
    )
    assert "/api/positions/{id}/transition/" in schema["paths"]
