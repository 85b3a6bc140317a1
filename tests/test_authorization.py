"""Runs the authorization kit (tests/authz.py) over every endpoint and role."""

import copy

import pytest
from django.urls import reverse

from config.api_urls import router
from tests.authz import OTHER_READS, READS, ROLES, WRITES, World
from tests.factories import built_once


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once for the module (or once per xdist worker that runs part of it)."""
    yield from built_once(django_db_blocker, World.with_users)


@pytest.fixture
def world(db, built_world):
    """A copy of the built world: a case that changes one of its objects in memory (a request
    signed in as one of its users, say) leaves the next case the objects as they were built, as
    its rows are."""
    return copy.deepcopy(built_world)


def _client(api, world, role):
    user = world.users[role]
    return api.as_user(user) if user else api


def _ids(response):
    return {row["id"] if "id" in row else row["seq"] for row in response.json()["results"]}


def _key(obj):
    return str(obj.pk) if not hasattr(obj, "seq") else obj.seq


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", READS, ids=lambda s: s.basename)
def test_list_shows_each_role_exactly_its_objects(api, world, spec, role):
    response = _client(api, world, role).get(reverse(f"{spec.basename}-list"), {"page_size": 100})
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    returned = _ids(response)
    for which in ("mine", "theirs"):
        expected = which in spec.visible[role]
        assert (_key(world.obj(which, spec.kind)) in returned) is expected, (which, returned)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("spec", READS, ids=lambda s: s.basename)
def test_detail_is_visible_or_404(api, world, spec, role):
    client = _client(api, world, role)
    for which in ("mine", "theirs"):
        response = client.get(reverse(f"{spec.basename}-detail", args=[world.obj(which, spec.kind).pk]))
        if role == "anonymous":
            assert response.status_code == 401
        elif which in spec.visible[role]:
            assert response.status_code == 200, (which, response.content)
        else:
            # Forbidden answers exactly like missing, so ids cannot be probed.
            assert response.status_code == 404, which
            assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "spec", WRITES, ids=lambda s: f"{s.basename}-{s.action}-{s.target[0] if s.target else 'new'}"
)
def test_write_answers_each_role_as_declared(api, world, spec, role):
    if spec.target:
        url = reverse(f"{spec.basename}-{_route_name(spec.action)}", args=[world.obj(*spec.target).pk])
    else:
        url = reverse(f"{spec.basename}-list")
    response = getattr(_client(api, world, role), spec.method)(url, spec.body(world), format=spec.format)
    assert response.status_code == spec.expect.get(role), response.content
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def _route_name(action):
    return {"partial_update": "detail", "destroy": "detail"}.get(action, action.replace("_", "-"))


def test_every_endpoint_is_declared_in_the_kit():
    declared = {(s.basename, a) for s in READS for a in ("list", "retrieve")}
    declared |= {(s.basename, s.action) for s in WRITES} | OTHER_READS
    served = set()
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            for action in route.mapping.values():
                if hasattr(viewset, action):
                    served.add((basename, action))
    assert served - declared == set(), "endpoints without authorization tests"
    assert declared - served == set(), "declared endpoints that do not exist"
