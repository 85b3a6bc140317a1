"""What the API answers about an assessment is the JSON its OpenAPI schema describes."""

import jsonschema
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from tests.factories import make_interview, receive_assessment

QUOTE = {"quote": "I explained the plan to finance", "start_s": 12.0, "end_s": 15.5}


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema says it (a null among the types)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _validate(body, component: str) -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    document = {"$ref": f"#/components/schemas/{component}", "components": _json_schema(schema["components"])}
    jsonschema.validate(body, document)
    return schema["components"]["schemas"]


def test_evidence_is_a_list_of_quotes_in_the_schema_and_in_the_answer(api, recruiter):
    assessment = receive_assessment(make_interview(recruiter))
    client = api.as_user(recruiter)

    body = client.get(reverse("assessment-detail", args=[assessment.pk])).json()
    communication = next(d for d in body["dimensions"] if d["dimension"] == "communication")
    assert communication["evidence"] == [QUOTE]
    components = _validate(body, "AssessmentDetailOut")
    evidence = components["DimensionOut"]["properties"]["evidence"]
    assert (evidence["type"], evidence["items"]) == ("array", {"$ref": "#/components/schemas/EvidenceOut"})
    quote = components["EvidenceOut"]
    assert quote["properties"]["quote"]["type"] == "string"
    assert {quote["properties"][key]["type"] for key in ("start_s", "end_s")} == {"number"}

    listed = client.get(reverse("assessment-list")).json()
    assert listed["results"][0]["dimensions"][0]["evidence"] == [QUOTE]
    _validate(listed, "PaginatedAssessmentOutList")
