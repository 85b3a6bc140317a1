"""Input built to break the API: each answer is a 4xx in the API's JSON error shape, on SQLite and
on PostgreSQL alike, and nothing of it is stored."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from candidates.models import Candidate, Position
from hrsuite import signing
from hrsuite.models import BIGINT_MAX
from interviews.models import AIAssessment, WebhookEvent
from onboarding.models import Offer
from tests.backoffice.hr_helpers import file_url
from tests.factories import (
    application_awaiting_decision,
    assessment_payload,
    make_application,
    make_hire,
    offer_terms,
)
from tests.interviews.webhook_helpers import body_for, deliver, interview_with_meeting

# Past what a 64-bit database integer holds (SQLite refuses to even compare with it).
HUGE = 2**64 + 1
# Deeper than Python's JSON reader can recurse.
DEEP = b"[" * 100_000 + b"]" * 100_000
# Unix seconds in another script's digits, which int() would read.
ARABIC_INDIC_DIGITS = "".join(chr(0x0660 + int(d)) for d in "1700000000")
CHECK_WEBHOOK = reverse("background-check-webhook", args=["simulated"])


def _error(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def _position(**overrides):
    return {
        "title_en": "Engineer",
        "department": "Engineering",
        "region": "CN",
        "time_zone": "Asia/Shanghai",
        "dimension_weights": {"communication": 1},
        **overrides,
    }


# --- The JSON reader ------------------------------------------------------------------------------


def test_deeply_nested_json_is_a_parse_error_for_an_anonymous_caller(client, db):
    response = client.post(reverse("auth-token"), data=DEEP, content_type="application/json")
    assert _error(response)["code"] == "parse_error"


def test_deeply_nested_json_is_a_parse_error_for_a_signed_in_caller(api, recruiter):
    response = api.as_user(recruiter).post(
        reverse("position-list"), data=DEEP, content_type="application/json"
    )
    assert _error(response)["code"] == "parse_error"


def test_json_nested_past_the_limit_is_refused_even_where_python_could_read_it(api, recruiter):
    weights = {"communication": 1}
    nested = _position(
        dimension_weights=weights, notes=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    )
    response = api.as_user(recruiter).post(reverse("position-list"), nested, format="json")
    assert _error(response)["code"] == "parse_error"
    assert not Position.objects.exists()


def test_a_number_past_what_a_float_holds_is_a_parse_error(api, recruiter, integration):
    """An assessment keeps its payload as sent: 1e999 was kept as Infinity, which is no JSON
    that a reader other than Python's (PostgreSQL's, an export's) takes back."""
    interview = interview_with_meeting(recruiter)
    body = json.dumps({"interview": str(interview.pk), **assessment_payload()})
    body = body[:-1] + ', "latency_ms": 1e999}'
    response = api.as_user(integration).post(
        reverse("assessment-list"), data=body.encode(), content_type="application/json"
    )
    assert _error(response)["code"] == "parse_error"
    assert not AIAssessment.objects.exists()


@pytest.mark.parametrize("url", [reverse("provider-webhook", args=["simulated"]), CHECK_WEBHOOK])
def test_a_signed_webhook_nested_too_deep_is_400(client, db, url):
    secret = "simulated" if "checks" not in url else "check_simulated"
    response = client.post(
        url, data=DEEP, content_type="application/json", headers=signing.signed_headers(secret, DEEP)
    )
    assert _error(response)["code"] == "invalid_webhook"


def test_a_nul_character_in_a_dimension_weight_key_is_a_field_error(api, recruiter):
    response = api.as_user(recruiter).post(
        reverse("position-list"), _position(dimension_weights={"commun\x00ication": 1}), format="json"
    )
    assert "dimension_weights" in _error(response)["fields"]
    assert not Position.objects.exists()


def test_a_nul_character_in_a_form_field_name_is_a_field_error(api, recruiter):
    data = {**_position(), "dimension_weights.commun\x00ication": "1"}
    del data["dimension_weights"]
    response = api.as_user(recruiter).post(reverse("position-list"), data)
    assert _error(response)["fields"]
    assert not Position.objects.exists()


@pytest.mark.parametrize("field", ["event_id", "meeting_id"])
def test_a_nul_character_in_a_signed_webhook_id_is_a_field_error(client, recruiter, field):
    interview = interview_with_meeting(recruiter)
    document = json.loads(body_for(interview, "started"))
    document[field] += "\x00"
    response = deliver(client, json.dumps(document).encode())
    error = _error(response)
    assert error["code"] == "invalid_webhook" and field in error["fields"]
    assert not WebhookEvent.objects.exists()


def test_a_nul_character_in_the_query_is_refused_with_the_parameter_named(api, recruiter):
    response = api.as_user(recruiter).get(reverse("candidate-list"), {"anything": "a\x00b"})
    assert "anything" in _error(response)["fields"]


# --- Webhook timestamps ---------------------------------------------------------------------------


@pytest.mark.parametrize("stamp", ["9" * 400, "-" + "9" * 400, "1e3", " 1700000000", ARABIC_INDIC_DIGITS])
def test_a_webhook_timestamp_that_is_not_plain_unix_seconds_is_refused(client, recruiter, stamp):
    interview = interview_with_meeting(recruiter)
    body = body_for(interview, "started")
    headers = {signing.TIMESTAMP_HEADER: stamp, signing.SIGNATURE_HEADER: "0" * 64}
    error = _error(deliver(client, body, headers=headers), status=403)
    assert error["code"] == "invalid_signature"
    assert not WebhookEvent.objects.exists()


# --- What the database can hold -------------------------------------------------------------------


def test_a_region_longer_than_its_column_once_in_capitals_is_a_field_error(api, recruiter):
    # "ß" is one letter, and "SS" in capitals: ten of them fit the column only before upper-casing.
    response = api.as_user(recruiter).post(
        reverse("position-list"), _position(region="ß" * 10), format="json"
    )
    assert "region" in _error(response)["fields"]
    assert not Position.objects.exists()


def test_a_currency_longer_than_its_column_once_in_capitals_is_a_field_error(api, recruiter):
    application = application_awaiting_decision(recruiter)
    response = api.as_user(recruiter).post(
        reverse("decision-list"),
        {
            "application": str(application.pk),
            "outcome": "hire",
            "reason": "Strong interviews.",
            "offer": {
                "salary": "30000.00",
                "currency": "ßab",
                "start_date": "2030-01-01",
                "location": "Shanghai",
                "expires_at": "2029-12-01T00:00:00Z",
            },
        },
        format="json",
    )
    assert "currency" in _error(response)["fields"]
    assert not Offer.objects.exists()


def test_an_offer_starting_in_the_year_1_is_a_field_error(api, recruiter):
    """Accepting it made the onboarding plan count due dates back past the calendar (a 500)."""
    application = application_awaiting_decision(recruiter)
    response = api.as_user(recruiter).post(
        reverse("decision-list"),
        {
            "application": str(application.pk),
            "outcome": "hire",
            "reason": "Strong interviews.",
            "offer": offer_terms(start_date="0001-01-01"),
        },
        format="json",
    )
    assert "offer.start_date" in _error(response)["fields"]
    assert not Offer.objects.exists()


def test_an_interviewer_filter_past_64_bits_is_a_field_error(api, recruiter):
    response = api.as_user(recruiter).get(reverse("assignment-list"), {"interviewer": str(HUGE)})
    assert "interviewer" in _error(response)["fields"]


def test_an_interviewer_past_64_bits_is_a_field_error(api, recruiter):
    application = make_application(recruiter)
    response = api.as_user(recruiter).post(
        reverse("scheduling-list"),
        {
            "application": str(application.pk),
            "kind": "phone",
            "starts_at": "2030-03-04T10:00:00+08:00",
            "interviewers": [HUGE],
        },
        format="json",
    )
    assert "interviewers" in _error(response)["fields"]
    interview = interview_with_meeting(recruiter)
    response = api.as_user(recruiter).post(
        reverse("assignment-list"), {"interview": str(interview.pk), "interviewer": HUGE}, format="json"
    )
    assert "interviewer" in _error(response)["fields"]


@pytest.mark.parametrize("starts_at", ["0001-01-01T01:01:00Z", "9999-12-31T23:00:00Z"])
def test_a_start_at_either_end_of_the_calendar_is_a_field_error(api, recruiter, starts_at):
    """Found by the API fuzz test: checking such a slot ran past the calendar (OverflowError)."""
    application = make_application(recruiter)
    response = api.as_user(recruiter).post(
        reverse("scheduling-list"),
        {"application": str(application.pk), "kind": "phone", "starts_at": starts_at},
        format="json",
    )
    assert list(_error(response)["fields"]) == ["starts_at"]


def test_an_approver_past_64_bits_is_a_field_error(api, recruiter):
    offer = make_hire(recruiter, send=False)
    response = api.as_user(recruiter).post(
        reverse("offer-submit", args=[offer.pk]), {"approvers": [HUGE]}, format="json"
    )
    assert "approvers" in _error(response)["fields"]


@pytest.mark.parametrize("value", [str(HUGE), "\u00b2"], ids=["past-64-bits", "superscript-two"])
def test_an_interviewer_the_candidate_file_cannot_hold_is_a_field_error(client, recruiter, value):
    """The page's form, as the API: "²" passes str.isdigit() but not int()."""
    interview = interview_with_meeting(recruiter)
    client.force_login(recruiter)
    response = client.post(
        file_url(interview.application.candidate),
        {"action": "assign", "interview": interview.pk, "interviewer": value},
    )
    assert response.status_code == 400
    assert not interview.assignments.exists()


def test_every_integer_a_request_body_takes_is_bounded_to_what_the_database_holds():
    """So a new id field cannot reach a query unbounded: declare it with IntegerKeyField."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            bodies = operation.get("requestBody", {}).get("content", {}).values()
            pending = [(body["schema"], f"{method.upper()} {path}") for body in bodies]
            seen = set()
            while pending:
                node, place = pending.pop()
                if "$ref" in node:
                    name = node["$ref"].rsplit("/", 1)[-1]
                    if name not in seen:
                        seen.add(name)
                        pending.append((components[name], f"{place} {name}"))
                    continue
                if node.get("type") == "integer" and not (
                    node.get("minimum", -HUGE) >= -BIGINT_MAX - 1 and node.get("maximum", HUGE) <= BIGINT_MAX
                ):
                    unbounded.append(place)
                for key in ("items", "additionalProperties"):
                    if isinstance(node.get(key), dict):
                        pending.append((node[key], f"{place}.{key}"))
                for name, child in node.get("properties", {}).items():
                    pending.append((child, f"{place}.{name}"))
                for key in ("allOf", "oneOf", "anyOf"):
                    pending.extend((child, place) for child in node.get(key, []))
    assert not unbounded


def test_an_audit_event_id_past_64_bits_is_not_found(api, hr_admin):
    response = api.as_user(hr_admin).get(reverse("audit-event-detail", args=[str(HUGE)]))
    assert _error(response, status=404)["code"] == "not_found"


# --- Oversized bodies and Django's own error pages --------------------------------------------------


def test_an_oversized_body_is_refused_in_the_json_error_shape(client, settings, db):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 2000, "password": "y"}).encode()
    response = client.post(reverse("auth-token"), data=body, content_type="application/json")
    assert _error(response, status=413)["code"] == "request_too_large"
    webhook = client.post(
        CHECK_WEBHOOK,
        data=body,
        content_type="application/json",
        headers=signing.signed_headers("check_simulated", body),
    )
    assert _error(webhook, status=413)["code"] == "request_too_large"


def test_an_oversized_form_is_refused_in_the_json_error_shape(api, recruiter, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"field{i}": "x" for i in range(20)}
    response = api.as_user(recruiter).post(reverse("candidate-list"), data)
    assert 400 <= response.status_code < 500
    _error(response, status=response.status_code)
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "make-run"])
def test_the_api_never_answers_with_a_django_error_page(client, settings, db, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 2000, "password": "y"}).encode()
    oversized = client.post(reverse("auth-token"), data=body, content_type="application/json")
    _error(oversized, status=413)
    unknown = client.get("/api/no-such-thing/")
    assert _error(unknown, status=404)["code"] == "not_found"
    webhook = client.post(CHECK_WEBHOOK, data=body, content_type="application/json")
    _error(webhook, status=413)
