"""The address links in e-mails and pages are built on follows the port `make run` serves on.

Each case reads the settings in a fresh `manage.py shell` process, as `make run` starts web,
worker and beat with HRSUITE_PORT in their environment."""

import os
import subprocess
import sys

from tests.hrsuite.test_production_settings import INHERITED, REPO_ROOT, fresh_keys

PRINT_LINK = (
    "from django.conf import settings; "
    "from hrsuite.links import link_address; from interviews.services.candidate_links import INTERVIEW_LINK; "
    "print(settings.HRSUITE_PUBLIC_URL); "
    "print(link_address(INTERVIEW_LINK, token='t'))"
)


def _links(**env: str) -> list[str]:
    environment = {name: os.environ[name] for name in INHERITED if name in os.environ}
    environment.update(fresh_keys(), DJANGO_SETTINGS_MODULE="config.settings.test", **env)
    result = subprocess.run(  # noqa: S603 (the command is this module's own)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_LINK],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_links_follow_the_port_make_run_serves_on():
    base, link = _links(HRSUITE_PORT="8765")
    assert base == "http://127.0.0.1:8765"
    assert link == "http://127.0.0.1:8765/portal/interviews/t/"


def test_links_default_to_port_8000():
    assert _links()[0] == "http://127.0.0.1:8000"


def test_a_public_address_set_explicitly_wins_over_the_port():
    base, link = _links(HRSUITE_PORT="8765", HRSUITE_PUBLIC_URL="https://hr.example.com")
    assert base == "https://hr.example.com"
    assert link == "https://hr.example.com/portal/interviews/t/"
