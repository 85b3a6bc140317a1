import io

from django.core import serializers
from django.core.management import call_command

from audit.models import AuditAction, AuditEvent

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
WRONG_PASSWORD = "Wrong-Horse-Battery-7319"


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_sign_in_records_a_login_event_for_the_user(client, recruiter):
    assert client.login(username="recruiter", password=PASSWORD)

    (event,) = _events(AuditAction.LOGIN)
    assert event.actor_id == recruiter.pk and event.actor_label == "recruiter"
    assert (event.target_type, event.target_id) == ("accounts.user", str(recruiter.pk))
    assert not _events(AuditAction.LOGIN_FAILED)
    call_command("audit_verify", stdout=io.StringIO())


def test_a_sign_in_through_the_admin_page_carries_the_request(client, hr_admin):
    hr_admin.is_staff = True
    hr_admin.save(update_fields=["is_staff"])

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "hradmin", "password": PASSWORD},
        HTTP_USER_AGENT="login-test-agent/2.0",
        HTTP_X_REQUEST_ID="req-login-000001",
    )

    assert response.status_code == 302
    (event,) = _events(AuditAction.LOGIN)
    assert event.actor_id == hr_admin.pk
    assert (event.request_id, event.ip, event.user_agent) == (
        "req-login-000001",
        "127.0.0.1",
        "login-test-agent/2.0",
    )


def test_a_failed_sign_in_records_the_attempted_name_and_never_the_password(client, recruiter):
    assert not client.login(username="recruiter", password=WRONG_PASSWORD)

    (event,) = _events(AuditAction.LOGIN_FAILED)
    assert event.actor_id is None and event.detail == {"username": "recruiter"}
    assert not _events(AuditAction.LOGIN)
    assert WRONG_PASSWORD not in serializers.serialize("json", [event])


def test_a_failed_admin_sign_in_for_an_unknown_name_is_recorded_without_the_password(client, db):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "no-such-user", "password": WRONG_PASSWORD},
        REMOTE_ADDR="198.51.100.23",
    )

    assert response.status_code == 200  # the form again, with its error
    (event,) = _events(AuditAction.LOGIN_FAILED)
    assert event.detail == {"username": "no-such-user"} and event.ip == "198.51.100.23"
    serialized = serializers.serialize("json", AuditEvent.objects.all())
    assert WRONG_PASSWORD not in serialized and "no-such-user" in serialized
