"""Shared fixtures: one user per role, API clients, and the services gate (REQUIRE_SERVICES)."""

import os

import pytest
from rest_framework.test import APIClient

from hrsuite.accounts.models import Role
from tests.factories import make_user

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(autouse=True)
def _services_gate(request):
    """Tests marked `services` need PostgreSQL: skipped without it, failed when CI requires it."""
    if request.node.get_closest_marker("services") and not ON_POSTGRES:
        if REQUIRE_SERVICES:
            pytest.fail("This test needs PostgreSQL (DATABASE_URL) and REQUIRE_SERVICES=1 is set.")
        pytest.skip("needs DATABASE_URL=postgres://...")


@pytest.fixture
def recruiter(db):
    return make_user(Role.RECRUITER, username="recruiter")


@pytest.fixture
def hr_admin(db):
    return make_user(Role.HR_ADMIN, username="hradmin")


@pytest.fixture
def interviewer(db):
    return make_user(Role.INTERVIEWER, username="interviewer1")


@pytest.fixture
def other_interviewer(db):
    return make_user(Role.INTERVIEWER, username="interviewer2")


@pytest.fixture
def candidate_user(db):
    return make_user(Role.CANDIDATE, username="candidate1")


@pytest.fixture
def integration(db):
    """A provider's service user whose token may post assessments and nothing else."""
    from hrsuite.accounts.services import integration_create

    user, _token = integration_create(name="simulated", scopes=["assess_interviews"], actor="system:test")
    return user


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs in."""

    class Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user)
            return self

    return Client()
