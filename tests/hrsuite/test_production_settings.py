"""Production settings pass Django's deploy checks and refuse to start without their secrets.

Each case runs `manage.py` in a fresh process, because settings are read once per process. No
database is needed: `check --deploy` does not connect unless `--database` is given.
"""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Only what Python itself needs; the test run's own settings variables must not leak in.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def fresh_keys() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "HRSUITE_ENCRYPTION_KEYS": f"prod2:{_key()},prod1:{_key()}",
        "HRSUITE_BLIND_INDEX_KEY": _key(),
        "HRSUITE_AUDIT_KEY": _key(),
    }


def env_example() -> dict[str, str]:
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def production_env(base: dict[str, str] | None = None, **overrides: str | None) -> dict[str, str]:
    """A complete production environment with fresh random keys; `None` removes a variable."""
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(
        base
        if base is not None
        else {
            **fresh_keys(),
            "ALLOWED_HOSTS": "hr.example.com",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "HRSUITE_PUBLIC_URL": "https://hr.example.com",
        }
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_deploy_checks_without_warnings():
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "variable",
    [
        "DJANGO_SECRET_KEY",
        "HRSUITE_ENCRYPTION_KEYS",
        "HRSUITE_BLIND_INDEX_KEY",
        "HRSUITE_AUDIT_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "HRSUITE_PUBLIC_URL",
    ],
)
def test_production_refuses_to_start_without(variable):
    result = check_deploy(production_env(**{variable: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sqlite:///keys.sqlite3", "Set KEYS_DATABASE_URL to a PostgreSQL database"),
        ("postgres://postgres@127.0.0.1:5432/test", "a database of its own"),
    ],
)
def test_production_keeps_the_person_keys_in_a_postgresql_database_of_their_own(value, message):
    result = check_deploy(production_env(KEYS_DATABASE_URL=value))
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_SECRET_KEY", "replace-with-a-long-random-string"),
        ("HRSUITE_ENCRYPTION_KEYS", ""),
        ("HRSUITE_ENCRYPTION_KEYS", "prod1:not-base64"),
        ("HRSUITE_BLIND_INDEX_KEY", "replace-me"),
        ("HRSUITE_AUDIT_KEY", base64.b64encode(b"short").decode()),
    ],
)
def test_production_refuses_placeholder_or_weak_value(variable, value):
    result = check_deploy(production_env(**{variable: value}))
    assert result.returncode != 0
    assert variable in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "value",
    [
        # Long enough, and varied enough for Django's own check, yet nobody's secret.
        "change-me-" * 6,
        "changeme" + "nKsT9F103rap-OeXbeMiCidKCGZM-P7d2IJThfpny7F51apAYMnfuV",
        "my-secret-key-for-production-please-do-not-share-it",
        "an-example-value-that-is-long-enough-to-pass-the-length-test",
        "placeholder-placeholder-placeholder-placeholder-placeholder",
        "insecure-dev-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "xxxxx" + "NJsuqUiJESx7VG8O2SqEWTi7lpsNos8LfZame2PvhVDc3_ciISylMWT",
        # Django's own generated development key.
        "django-insecure-" + "5VqlvQzTOal-K-Cj5-ySro32g23AX7ZfvMLQcPjyvMW83u24EKg2q0Yw",
        # Too short, and too few different characters.
        "Qm3x_T0b-8Zr2Lw9VkP4nYc7HsJ1dGf",
        "ab" * 40,
    ],
)
def test_production_refuses_a_placeholder_looking_secret_key(value):
    result = check_deploy(production_env(DJANGO_SECRET_KEY=value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_production_accepts_random_secret_keys_of_the_usual_shapes():
    shapes = (secrets.token_urlsafe(50), secrets.token_hex(32), _key() + _key())
    for value in shapes:
        result = check_deploy(production_env(DJANGO_SECRET_KEY=value))
        assert result.returncode == 0, (value, result.stderr)


def test_env_example_is_refused_until_its_placeholders_are_replaced():
    result = check_deploy(production_env(env_example()))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr.strip().splitlines()[-1]

    result = check_deploy(production_env({**env_example(), **fresh_keys()}))
    assert result.returncode == 0, result.stderr


def run_in_production(script: str) -> subprocess.CompletedProcess:
    """`script` run by a fresh interpreter in a complete production environment."""
    return subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-W", "ignore", "-c", script],
        cwd=REPO_ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_answers_with_the_same_content_security_policy_as_development():
    # A request that needs no database: the API's own 404, through every middleware.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client(HTTP_HOST='hr.example.com').get('/api/no-such-thing/', secure=True)\n"
        "print(response.headers['Content-Security-Policy'])\n"
    )
    result = run_in_production(script)
    assert result.returncode == 0, result.stderr
    from hrsuite.middleware import ContentSecurityPolicyMiddleware

    assert result.stdout.strip() == ContentSecurityPolicyMiddleware(lambda request: None).header
    assert "script-src 'self';" in result.stdout


def test_the_wsgi_application_leaves_what_starting_made_to_the_collectors_permanent_generation():
    result = run_in_production("import gc, config.wsgi\nprint(gc.get_freeze_count())\n")
    assert result.returncode == 0, result.stderr
    # Django, the apps and their models: far more than a bare interpreter's few thousand objects.
    assert int(result.stdout) > 50_000
