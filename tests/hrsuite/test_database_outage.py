"""While PostgreSQL is out of reach the site answers 503 with Retry-After (the API in its error
shape, pages with a translated page that needs no database), logs one warning for the outage
instead of a traceback per request, and serves again by itself once the database is back.

The live server (Django's full request handling: its connection handling between requests, the
middleware, the request's transaction) reaches the test database through a proxy the test cuts;
the shared server is never stopped."""

import logging
import sys

import pytest
import requests
from django.db import OperationalError, connection, connections
from django.test import Client, RequestFactory

from accounts.services import api_token_issue
from hrsuite import degraded
from hrsuite.roles import Role
from hrsuite.views import failure
from tests.conftest import ON_POSTGRES, REQUIRE_SERVICES
from tests.factories import make_user
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES and not REQUIRE_SERVICES, reason="needs DATABASE_URL=postgres://..."
)


@pytest.fixture
def database(live_server, monkeypatch):
    """Every connection made from here on (the live server's too) goes through a proxy."""
    monkeypatch.setattr(degraded, "_last_warned", {})
    settings_dict = connection.settings_dict
    proxy = TcpProxy(settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)).start()
    direct = settings_dict["HOST"], settings_dict["PORT"]
    connections.close_all()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    yield proxy
    proxy.restore()
    connections.close_all()
    settings_dict["HOST"], settings_dict["PORT"] = direct
    proxy.cut()


@pytest.fixture
def token(live_server):
    recruiter = make_user(Role.RECRUITER, username="rita")
    _token, secret = api_token_issue(user=recruiter, actor=recruiter, name="outage")
    return secret


@pytest.fixture
def session_cookie(live_server):
    recruiter = make_user(Role.RECRUITER, username="rosa")
    client = Client()
    client.force_login(recruiter)
    return {"sessionid": client.cookies["sessionid"].value}


def _get(live_server, path, **kwargs):
    return requests.get(live_server.url + path, allow_redirects=False, timeout=30, **kwargs)


def test_the_api_answers_503_with_retry_after_and_recovers(live_server, token, database, settings):
    headers = {"Authorization": f"Token {token}"}
    assert _get(live_server, "/api/candidates/", headers=headers).status_code == 200

    database.cut()
    down = _get(live_server, "/api/candidates/", headers=headers)

    assert down.status_code == 503
    assert down.headers["Retry-After"] == str(settings.HRSUITE_RETRY_AFTER_SECONDS)
    error = down.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["message"] == "The service is unavailable for a moment. Please try again in a few seconds."
    assert error["fields"] == {}

    database.restore()
    assert _get(live_server, "/api/candidates/", headers=headers).status_code == 200


def test_a_signed_in_page_answers_a_translated_503_page_and_recovers(live_server, session_cookie, database):
    assert _get(live_server, "/hr/", cookies=session_cookie).status_code == 200

    database.cut()
    # The session cannot be read: the failure comes from the middleware, before any view.
    down = _get(live_server, "/hr/", cookies=session_cookie, headers={"Accept-Language": "zh-hans"})

    assert down.status_code == 503
    assert down.headers["Retry-After"]
    assert down.headers["Content-Type"].startswith("text/html")
    assert "暂时无法使用" in down.text
    assert "Server Error" not in down.text

    database.restore()
    assert _get(live_server, "/hr/", cookies=session_cookie).status_code == 200


def test_an_anonymous_page_answers_503_in_english_by_default(live_server, database):
    database.cut()

    # No session to read: the failure comes from the request's transaction.
    down = _get(live_server, "/account/sign-in/")

    assert down.status_code == 503
    assert "Unavailable for a moment" in down.text


def test_the_outage_is_one_warning_not_a_traceback_per_request(live_server, token, database, caplog):
    caplog.set_level(logging.WARNING)
    database.cut()

    headers = {"Authorization": f"Token {token}"}
    for _ in range(5):
        assert _get(live_server, "/api/candidates/", headers=headers).status_code == 503
        assert _get(live_server, "/account/sign-in/").status_code == 503

    warnings = [record for record in caplog.records if record.name == "hrsuite.degraded"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert warnings[0].getMessage().startswith("PostgreSQL unreachable")
    assert warnings[0].exc_info is None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


# --- What is an outage, and what is a bug -----------------------------------------------------------


@pytest.mark.django_db
def test_a_query_the_database_refused_is_no_outage():
    with pytest.raises(OperationalError) as cancelled, connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)")

    assert not degraded.database_unreachable(cancelled.value)


@pytest.mark.django_db
def test_a_refused_connection_is_an_outage():
    closed = TcpProxy("127.0.0.1", 5432).start()
    closed.cut()
    elsewhere = connections.create_connection("default")
    elsewhere.settings_dict = {**elsewhere.settings_dict, "HOST": "127.0.0.1", "PORT": str(closed.port)}

    with pytest.raises(OperationalError) as refused:
        elsewhere.ensure_connection()
    elsewhere.close()

    assert degraded.database_unreachable(refused.value)


def test_a_bug_stays_a_logged_500(caplog):
    request = RequestFactory().get("/api/candidates/")
    try:
        raise ValueError("a bug")
    except ValueError:
        answer = failure(request)

    assert answer.status_code == 500
    assert "Retry-After" not in answer
    assert not getattr(answer, "_has_been_logged", False)  # Django logs it, with its traceback
    assert sys.exc_info() == (None, None, None)
