"""`manage.py seed_demo` into an empty database takes its users' password from DEMO_PASSWORD.

Apart from tests/demo/test_seed_demo.py, whose tests share one seeded database."""

import io

from django.core.management import call_command

from accounts.models import User


def test_password_comes_from_the_environment_when_set(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass-9")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert User.objects.get(username="recruiter").check_password("another-demo-pass-9")
    assert "another-demo-pass-9" in out.getvalue()
