"""Shared fixtures: one user per role, API clients, the services gate (REQUIRE_SERVICES) and an
empty cache for every test."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test.signals import template_rendered
from django.utils import translation
from rest_framework.test import APIClient

from hrsuite import degraded, persons
from hrsuite.roles import Role
from hrsuite.visibility import PageTemplate
from tests.factories import make_user
from tests.tcp_proxy import TcpProxy, redis_cache_through

# `smtp_server`: a real SMTP server (aiosmtpd) for the e-mail tests; `http_receiver`: real HTTP
# receivers for the outbound webhooks; `celery_worker`: a real Celery worker (services tests);
# `browser_page`: Debian's Chromium through Playwright against the live server (page tests).
pytest_plugins = ["tests.smtp", "tests.http_receiver", "tests.celery_worker", "tests.browser"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
BASE_DIR = Path(__file__).resolve().parent.parent


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
ON_REDIS = bool(os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "").startswith("redis"))


def pytest_sessionstart(session):
    """Pages are tested in Chinese too: a missing or stale compiled catalogue would make them
    silently English, so stop with the fix instead."""
    stale = [
        str(po.relative_to(BASE_DIR))
        for po in sorted(BASE_DIR.glob("locale/*/LC_MESSAGES/*.po"))
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        pytest.exit(
            f"Compiled translations missing or older than {', '.join(stale)}: run `make messages`.",
            returncode=1,
        )


# What makes a test use the database, besides the `django_db` mark.
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_collection_modifyitems(items):
    """A test that uses the database uses the key store too, where the person keys are
    (`hrsuite.persons`): every such test gets both, each as its mark or fixtures ask."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not _DATABASE_FIXTURES & set(item.fixturenames):
            continue
        kwargs = {}
        if marker is not None:
            kwargs = dict(zip(["transaction", "reset_sequences"], marker.args, strict=False))
            kwargs.update(marker.kwargs)
        kwargs["databases"] = "__all__"
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _no_remembered_person_keys():
    """Each test starts without the person keys an earlier one read: its database is new."""
    persons.forget()
    yield
    persons.forget()


@pytest.fixture(autouse=True, scope="session")
def _page_contexts():
    """A page's context in `response.context`, as Django's test set-up gives it for its own
    engine's templates: the pages' engine reports each page it renders the same way."""
    render = PageTemplate.render

    def reported(self, context=None, request=None):
        context = {} if context is None else context
        text = render(self, context, request)
        template_rendered.send(sender=self, template=self, context=context)
        return text

    PageTemplate.render = reported
    yield
    PageTemplate.render = render


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with an empty cache: sign-in and link limits count in it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends in the default language. A page leaves its viewer's language active in the
    thread, as Django's LocaleMiddleware does (each request activates its own): a later test that
    calls a service directly would otherwise get its messages in that language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _services_gate(request):
    """Tests marked `services` need PostgreSQL and Redis (a real worker's broker): skipped
    without them, failed when CI requires them."""
    if request.node.get_closest_marker("services") and not (ON_POSTGRES and ON_REDIS):
        if REQUIRE_SERVICES:
            pytest.fail(
                "This test needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), "
                "and REQUIRE_SERVICES=1 is set."
            )
        pytest.skip("needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")


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
def compliance(db):
    """Reads candidates' self-identification and the fairness figures, nothing of their files."""
    return make_user(Role.COMPLIANCE, username="compliance")


@pytest.fixture
def integration(db):
    """A provider's service user whose token may post assessments and nothing else."""
    from accounts.services import integration_create

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


@pytest.fixture
def redis_cache_proxy(settings, monkeypatch):
    """The cache in Redis through a proxy the test cuts (and may restore); outage warnings start
    afresh."""
    monkeypatch.setattr(degraded, "_last_warned", {})
    proxy = TcpProxy("127.0.0.1", 6379).start()
    settings.CACHES = redis_cache_through(proxy, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    yield proxy
    proxy.cut()
