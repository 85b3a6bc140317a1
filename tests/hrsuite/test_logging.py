"""Link tokens stay out of the logs: Django writes the path of every 4xx response, and a
candidate's link path carries their credential."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from hrsuite.logging import RedactLinkTokens, redact_link_tokens
from interviews.services.candidate_links import interview_token
from tests.interviews.scheduling_helpers import NOW, schedule

TOKEN = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtbGVhaw:1uabc:Zm9yZ2Vk"


@pytest.fixture
def console():
    """What the configured console handler (the one the project logs through) writes."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactLinkTokens) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/portal/interviews/{TOKEN}/",
        f"/portal/consent/{TOKEN}/",
        f"/portal/reschedule/{TOKEN}/",
        f"/portal/no-such-page/{TOKEN}/",
        f"/api/reschedule/{TOKEN}/",
    ],
)
def test_a_404_on_a_link_path_is_logged_without_its_token(client, console, caplog, path):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(path)

    assert response.status_code == 404
    written = console.getvalue()
    assert "Not Found:" in written and TOKEN not in written
    assert path.replace(TOKEN, "[redacted]") in written
    # The record itself is rewritten, so no other handler (Django's own, an error tracker) sees it.
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(TOKEN not in r.getMessage() for r in records)


def test_a_410_for_a_genuine_but_expired_link_is_logged_without_its_token(client, console, recruiter):
    with time_machine.travel(NOW, tick=False) as clock:
        token = interview_token(interview=schedule(recruiter))
        clock.move_to(NOW + timedelta(days=31))
        assert client.get(reverse("portal-interview", args=[token])).status_code == 410

    assert "Gone:" in console.getvalue() and token not in console.getvalue()


def test_only_the_token_segment_of_link_paths_is_redacted():
    assert (
        redact_link_tokens(f"Not Found: /portal/consent/{TOKEN}/") == "Not Found: /portal/consent/[redacted]/"
    )
    assert redact_link_tokens(f'"GET /api/reschedule/{TOKEN}/ HTTP/1.1" 404') == (
        '"GET /api/reschedule/[redacted]/ HTTP/1.1" 404'
    )
    for untouched in ("Not Found: /api/interviews/42/", "Not Found: /portal/", "GET /hr/interviews/x/"):
        assert redact_link_tokens(untouched) == untouched


def test_the_development_servers_request_lines_are_redacted_too(console):
    server = logging.getLogger("django.server")
    handler = server.handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        server.info('"%s" %s %s', f"GET /portal/interviews/{TOKEN}/ HTTP/1.1", "200", "1234")
    finally:
        handler.setStream(previous)
    assert "/portal/interviews/[redacted]/" in stream.getvalue() and TOKEN not in stream.getvalue()


def _access_line(capsys, path: str, *, status: str, **headers) -> str:
    """The line gunicorn itself writes for one request, through the logger class production uses
    (gunicorn --logger-class)."""
    from gunicorn.config import Config

    from hrsuite.logging import RedactingGunicornLogger

    config = Config()
    config.set("accesslog", "-")
    logger = RedactingGunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        **headers,
    }
    response = SimpleNamespace(status=status, response_length=9, sent=9, headers=[])
    request = SimpleNamespace(headers=[], method="GET", path=path, query="", uri=path, version=(1, 1))
    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    return capsys.readouterr().out


def test_gunicorn_access_log_line_has_no_link_token(capsys):
    line = _access_line(capsys, "/portal/reschedule/s3cr3t-t0ken/", status="404 Not Found")
    assert "/portal/reschedule/[redacted]/" in line
    assert "s3cr3t" not in line


def test_the_access_log_redacts_a_link_token_in_the_referrer_too(capsys):
    """Defence in depth for browsers that ignore the link pages' Referrer-Policy: the line names
    the referrer as well as the request."""
    line = _access_line(
        capsys,
        "/portal/consent/n3xt-t0ken/",
        status="200 OK",
        HTTP_REFERER="https://hr.example.test/portal/interviews/s3cr3t-t0ken/",
    )
    assert "/portal/interviews/[redacted]/" in line and "/portal/consent/[redacted]/" in line
    assert "s3cr3t" not in line and "n3xt" not in line
