"""The privacy requests API: recording, moving, filtering, and what each reader gets back."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.services import requests as services
from tests.factories import make_candidate, make_hire
from tests.privacy.helpers import candidate_of

NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
LIST = reverse("privacy-request-list")


def _action(name, request):
    return reverse(f"privacy-request-{name}", args=[request.pk])


def _error(response, status):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def test_a_recruiter_records_a_letter_and_its_deadline_counts_from_its_arrival(api, recruiter):
    candidate = make_candidate(recruiter, region="DE-BE")
    with time_machine.travel(NOW, tick=False):
        response = api.as_user(recruiter).post(
            LIST,
            {
                "candidate": str(candidate.pk),
                "kind": "erasure",
                "channel": "letter",
                "text": "Please delete my interview video.",
                "received_at": (NOW - timedelta(days=2)).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        detail = api.get(reverse("privacy-request-detail", args=[response.json()["id"]])).json()
    assert detail["deadline"] == "2027-03-28T02:00:00Z"  # 28 days from its arrival on 28 February
    assert (detail["channel"], detail["state"], detail["overdue"]) == ("letter", "received", False)
    assert detail["text"] == "Please delete my interview video."


def test_bad_input_names_its_field_and_records_nothing(api, recruiter):
    candidate = make_candidate(recruiter)
    client = api.as_user(recruiter)
    body = {"candidate": str(candidate.pk), "kind": "access", "channel": "portal"}
    assert "channel" in _error(client.post(LIST, body, format="json"), 400)["fields"]
    body = {"candidate": "7c6d3f2e-0000-4000-8000-000000000000", "kind": "access", "channel": "email"}
    assert "candidate" in _error(client.post(LIST, body, format="json"), 400)["fields"]
    body = {"candidate": str(candidate.pk), "kind": "correction", "channel": "email"}
    assert "text" in _error(client.post(LIST, body, format="json"), 400)["fields"]
    assert client.get(LIST).json()["count"] == 0


def test_an_erasure_request_cannot_be_completed_through_the_api(api, recruiter):
    request = services.privacy_request_record(
        candidate=make_candidate(recruiter), kind="erasure", channel="email", actor=recruiter
    )
    client = api.as_user(recruiter)
    assert client.post(_action("start", request)).json()["state"] == "in_progress"
    error = _error(client.post(_action("complete", request), {}, format="json"), 409)
    assert error["code"] == "erasure_carried_out_elsewhere"
    assert "carry it out with the erasure" in error["message"]
    refused = client.post(_action("refuse", request), {"reason": "Kept for a legal claim."}, format="json")
    assert (refused.json()["state"], refused.json()["refusal_reason"]) == (
        "refused",
        "Kept for a legal claim.",
    )


def test_a_refusal_needs_its_reason(api, recruiter):
    request = services.privacy_request_record(
        candidate=make_candidate(recruiter), kind="access", channel="email", actor=recruiter
    )
    error = _error(api.as_user(recruiter).post(_action("refuse", request), {}, format="json"), 400)
    assert "reason" in error["fields"]


def test_the_candidate_reads_their_own_request_without_hrs_notes(api, recruiter, candidate_user):
    candidate_of(candidate_user, recruiter)
    request = services.privacy_request_submit(actor=candidate_user, kind="access", text="All of it.")
    services.privacy_request_refuse(request=request, actor=recruiter, reason="We could not verify you.")
    client = api.as_user(candidate_user)
    detail = client.get(reverse("privacy-request-detail", args=[request.pk])).json()
    assert (detail["text"], detail["refusal_reason"]) == ("All of it.", "We could not verify you.")
    assert not {"handled_by", "resolution", "changes", "candidate"} & set(detail)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [str(request.pk)]


@pytest.fixture
def requests_of_every_kind(recruiter):
    """Two open requests due in 3 and 20 days, one overdue, one done long ago."""
    made = {}
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        made["done"] = services.privacy_request_record(
            candidate=make_candidate(recruiter, region="CN"),
            kind="restriction",
            channel="phone",
            actor=recruiter,
        )
        services.privacy_request_start(request=made["done"], actor=recruiter)
        services.privacy_request_complete(request=made["done"], actor=recruiter)
    for name, days_ago, region, kind in (
        ("overdue", 20, "CN", "access"),
        ("soon", 12, "CN", "correction"),
        ("later", 10, "US-IL", "erasure"),
    ):
        with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
            made[name] = services.privacy_request_record(
                candidate=make_candidate(recruiter, region=region),
                kind=kind,
                channel="email",
                text="See the letter.",
                actor=recruiter,
            )
    return made


def _ids(client, **filters):
    response = client.get(LIST, filters)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_open_requests_are_listed_by_deadline_and_filtered(api, hr_admin, requests_of_every_kind):
    made = {name: str(request.pk) for name, request in requests_of_every_kind.items()}
    client = api.as_user(hr_admin)
    with time_machine.travel(NOW, tick=False):
        assert _ids(client, state="open") == [made["overdue"], made["soon"], made["later"]]
        assert _ids(client, overdue="true") == [made["overdue"]]
        assert _ids(client, state="done") == [made["done"]]
        assert _ids(client, kind="erasure") == [made["later"]]
        assert set(_ids(client)) == set(made.values())
        overdue = client.get(LIST, {"overdue": "true"}).json()["results"][0]
    assert overdue["overdue"] is True and "text" not in overdue  # a list decrypts nothing
    assert "state" in _error(client.get(LIST, {"state": "lost"}), 400)["fields"]


def test_the_list_takes_as_many_queries_for_two_rows_as_for_five(api, recruiter):
    client = api.as_user(recruiter)

    def queries():
        client.force_authenticate(type(recruiter).objects.get(pk=recruiter.pk))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"page_size": 50})
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    for _ in range(2):
        services.privacy_request_record(
            candidate=make_candidate(recruiter), kind="access", channel="email", actor=recruiter
        )
    client.get(LIST)
    small = queries()
    for _ in range(3):
        services.privacy_request_record(
            candidate=make_candidate(recruiter), kind="access", channel="email", actor=recruiter
        )
    large = queries()
    assert (small[1], large[1]) == (2, 5)
    assert small[0] == large[0]


def test_a_recruiter_erases_through_the_api_and_follows_the_steps(
    api, recruiter, hr_admin, interviewer, django_capture_on_commit_callbacks
):
    request = services.privacy_request_record(
        candidate=make_candidate(recruiter), kind="erasure", channel="email", actor=recruiter
    )
    _error(api.as_user(hr_admin).post(_action("erase", request)), 403)
    _error(api.as_user(interviewer).post(_action("erase", request)), 403)

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.as_user(recruiter).post(_action("erase", request))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["state"] == "in_progress"
    assert [step["kind"] for step in body["erasure_steps"]] == ["key", "confirmation"]
    shown = api.as_user(hr_admin).get(reverse("privacy-request-detail", args=[request.pk])).json()
    assert shown["erasure_steps"][0]["status"] == "done"
    again = _error(api.as_user(recruiter).post(_action("erase", request)), 409)
    assert again["code"] == "already_erased" and "candidate" in again["fields"]
    nothing_failed = _error(api.as_user(recruiter).post(_action("retry-steps", request)), 409)
    assert nothing_failed["code"] == "no_failed_steps"


def test_a_legal_hold_is_a_409_naming_why(api, recruiter):
    offer = make_hire(recruiter)
    request = services.privacy_request_record(
        candidate=offer.application.candidate, kind="erasure", channel="email", actor=recruiter
    )

    error = _error(api.as_user(recruiter).post(_action("erase", request)), 409)

    assert error["code"] == "legal_hold"
    assert any("offer" in reason for reason in error["fields"]["candidate"])
