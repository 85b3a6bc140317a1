"""Fuzzing of the whole API, as its OpenAPI schema describes it: no input, from any role, is a 5xx.

Schemathesis generates each operation's requests from the schema drf-spectacular serves, both
valid ones and ones that break it (wrong types, out-of-range numbers, odd characters); each is sent
through the whole app (middleware, DRF, services, the test database) as each role. Detail
operations address the shared authorization world's objects as well as made-up ids, so the input
reaches the services behind them; webhook deliveries are signed, so it reaches their parsing.

Deterministic (derandomized, no example database) and bounded: FUZZ_EXAMPLES examples per
operation, each sent as every role. A bigger run, for a hardening pass:
`FUZZ_EXAMPLES=100 pytest tests/test_api_fuzz.py`.
"""

import json
import os
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode

from config.api_urls import router
from hrsuite import signing
from hrsuite.roles import Role
from tests.authz import ROLES, World
from tests.factories import make_user

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))

# The object kind a detail path's {id} addresses, by the path's first segment under /api/.
_KIND_BY_PREFIX = {prefix: basename for prefix, _viewset, basename in router.registry}
_KIND_BY_PREFIX["scheduling"] = "interview"
# The secret each webhook path is signed with.
_WEBHOOK_SECRETS = {
    "/api/webhooks/{provider}/": "simulated",
    "/api/webhooks/checks/{provider}/": "check_simulated",
}


@pytest.fixture
def world(recruiter, hr_admin, interviewer, other_interviewer, candidate_user, integration):
    return World(
        recruiter=recruiter,
        hr_admin=hr_admin,
        interviewer=interviewer,
        other_interviewer=other_interviewer,
        candidate_user=candidate_user,
        integration=integration,
        compliance=make_user(Role.COMPLIANCE, username="compliance"),
    )


def _operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [result.ok() for result in schema.get_all_operations()]


def _strategy(operation, world):
    """Valid and invalid requests; a path's id is one of the world's objects, or made up."""
    fixed: list[dict] = [{}]
    if operation.path in _WEBHOOK_SECRETS:
        fixed = [{"provider": "simulated"}]
    elif "{id}" in operation.path:
        kind = _KIND_BY_PREFIX.get(operation.path.split("/")[2])
        objects = [world.objects[which].get(kind) for which in ("mine", "theirs")]
        fixed = [{"id": str(obj.pk)} for obj in objects if obj is not None] or [{}]
    strategies = [
        operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for path_parameters in fixed
    ]
    if fixed != [{}]:
        # Made-up ids too, well-formed or not.
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def _body(case) -> tuple[bytes, str | None]:
    if case.body is NOT_SET or (case.body is None and case.media_type is None):
        return b"", None
    if case.media_type == MULTIPART_CONTENT or (case.media_type or "").startswith("multipart/"):
        fields = case.body if isinstance(case.body, dict) else {}
        return encode_multipart(
            BOUNDARY, {k: v for k, v in fields.items() if v is not None}
        ), MULTIPART_CONTENT
    if case.media_type == "application/x-www-form-urlencoded":
        fields = case.body if isinstance(case.body, dict) else {}
        return urlencode(fields, doseq=True).encode(), case.media_type
    # A "binary" field in a JSON body: the bytes as they would be read as text.
    return json.dumps(case.body, default=lambda raw: raw.decode("latin-1")).encode(), "application/json"


def _with_world_ids(case, world) -> None:
    """A body field naming an object (`"interview": "<uuid>"`) names the world's own, so the
    request reaches the service behind the check that the object exists."""
    if isinstance(case.body, dict):
        for key, value in case.body.items():
            if isinstance(value, str) and key in world.objects["mine"]:
                case.body[key] = str(world.objects["mine"][key].pk)


def _send(client, case):
    body, content_type = _body(case)
    headers = {k: v for k, v in case.headers.items() if isinstance(v, str)}
    if case.path in _WEBHOOK_SECRETS:
        headers |= signing.signed_headers(_WEBHOOK_SECRETS[case.path], body)
    extra = {"QUERY_STRING": urlencode(case.query or {}, doseq=True)}
    return client.generic(
        case.method, case.formatted_path, data=body, content_type=content_type, headers=headers, **extra
    )


def test_no_request_from_any_role_is_a_server_error(api, world):
    """Each generated request is sent once as each role."""
    api.raise_request_exception = False
    failures, cases = [], []
    operations = _operations()

    for operation in operations:

        @settings(
            max_examples=FUZZ_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, world))
        def fuzz(case):
            _with_world_ids(case, world)
            cases.append(case)
            for role in ROLES:
                api.force_authenticate(world.users[role])
                response = _send(api, case)
                if response.status_code >= 500:
                    failures.append(
                        f"{role}: {case.method} {case.formatted_path} -> {response.status_code}\n{case!r}"
                    )

        fuzz()

    # Shown with -s, for a bigger run's record.
    print(f"{len(operations)} operations, {len(cases)} cases, {len(ROLES)} roles, {len(failures)} 5xx")
    assert len(operations) >= 90
    assert not failures, "\n\n".join(failures[:20])
