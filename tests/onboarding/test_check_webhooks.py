"""Background-check webhooks: signed, once only, through the check's table, and their effects."""

import datetime
import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from hrsuite import signing
from notifications.models import Notification
from onboarding.models import BackgroundCheck, BackgroundCheckEvent, HRTask, Offer
from onboarding.providers.simulated import event_body
from tests.authz import CHECK_SIGNATURE_AUTHENTICATED
from tests.factories import make_hire, make_interview

pytestmark = pytest.mark.django_db
URL = reverse("background-check-webhook", args=["simulated"])
CheckStatus = BackgroundCheck.Status


@pytest.fixture
def check(recruiter):
    offer = make_hire(recruiter)
    make_interview(recruiter, application=offer.application)
    return offer.background_checks.get()


def deliver(client, body: bytes, *, headers=None):
    headers = headers if headers is not None else signing.signed_headers("check_simulated", body)
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def _body(check, event_type, **kwargs) -> bytes:
    return event_body(check_id=check.provider_check_id, event_type=event_type, **kwargs)


def _status(check):
    return BackgroundCheck.objects.values_list("status", flat=True).get(pk=check.pk)


def _counts():
    return BackgroundCheckEvent.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def test_the_kit_leaves_this_endpoint_to_these_tests():
    assert {name for name in CHECK_SIGNATURE_AUTHENTICATED if reverse(name, args=["simulated"])} == {
        "background-check-webhook"
    }


def test_started_moves_the_check_in_progress(client, check):
    response = deliver(client, _body(check, "started", event_id="evt-1"))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "duplicate": False,
        "event_id": "evt-1",
        "background_check": str(check.pk),
        "status": "in_progress",
    }
    assert _status(check) == CheckStatus.IN_PROGRESS
    audit = AuditEvent.objects.filter(target_id=str(check.pk)).order_by("-id").first()
    assert audit.actor_label == "check-provider:simulated" and audit.detail["event_id"] == "evt-1"


def test_a_replayed_event_changes_nothing(client, check):
    body = _body(check, "started", event_id="evt-replay")
    assert deliver(client, body).status_code == 200
    before = _counts()
    again = deliver(client, body)
    assert again.status_code == 200 and again.json() == {"duplicate": True, "event_id": "evt-replay"}
    assert _counts() == before and _status(check) == CheckStatus.IN_PROGRESS


@pytest.mark.parametrize("tamper", ["body", "signature", "missing", "stale", "interview_secret"])
def test_unsigned_tampered_or_stale_deliveries_are_refused_and_store_nothing(client, check, tamper):
    body = _body(check, "started")
    headers = signing.signed_headers("check_simulated", body)
    if tamper == "body":
        body = body.replace(b"started", b"passed!")
    elif tamper == "signature":
        headers[signing.SIGNATURE_HEADER] = "0" * 64
    elif tamper == "missing":
        headers = {}
    elif tamper == "stale":
        stamp = int(datetime.datetime.now().timestamp()) - signing.TOLERANCE_SECONDS - 5
        headers = signing.signed_headers("check_simulated", body, timestamp=stamp)
    elif tamper == "interview_secret":
        # Signed for the interview provider's endpoint: not valid here.
        headers = signing.signed_headers("simulated", body)
    before = _counts()
    response = deliver(client, body, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert _counts() == before and _status(check) == CheckStatus.REQUESTED


def test_a_malformed_body_is_400_and_stores_nothing(client, check):
    body = json.dumps({"event_id": "x", "type": "exploded", "check_id": check.provider_check_id}).encode()
    response = deliver(client, body)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"type", "occurred_at"}
    assert not BackgroundCheckEvent.objects.exists()


def test_an_outcome_before_started_is_409_and_can_be_retried(client, check):
    body = _body(check, "passed", event_id="evt-early")
    response = deliver(client, body)
    assert response.status_code == 409
    assert (
        response.json()["error"]["message"]
        == "Background check in state 'requested' does not accept 'passed'."
    )
    assert not BackgroundCheckEvent.objects.exists()


def test_an_unknown_check_is_404(client, check):
    response = deliver(client, event_body(check_id="simchk-nope", event_type="started"))
    assert response.status_code == 404
    assert not BackgroundCheckEvent.objects.exists()


def test_passed_records_the_outcome_with_encrypted_findings(client, check):
    deliver(client, _body(check, "started"))
    response = deliver(client, _body(check, "passed", data={"findings": {"identity": "verified"}}))
    assert response.json()["status"] == "passed"
    check.refresh_from_db()
    assert check.completed_at is not None and check.findings == {"identity": "verified"}
    assert _status(check) == CheckStatus.PASSED and check.offer.status == Offer.Status.SENT


def test_hr_reads_the_findings_as_the_json_they_are(client, api, check, recruiter):
    deliver(client, _body(check, "started"))
    deliver(client, _body(check, "passed", data={"findings": {"identity": "verified", "flags": []}}))

    answer = api.as_user(recruiter).get(reverse("background-check-detail", args=[check.pk])).json()

    assert answer["findings"] == {"identity": "verified", "flags": []}


def test_failed_cancels_the_offer_and_tells_the_recruiters(client, check, recruiter):
    deliver(client, _body(check, "started"))
    assert deliver(client, _body(check, "failed")).status_code == 200
    assert Offer.objects.get(pk=check.offer_id).status == Offer.Status.CANCELLED
    told = Notification.objects.get(recipient_user=recruiter, payload__reason="background_check_failed")
    assert told.payload["background_check"] == str(check.pk) and told.payload["offer_cancelled"] is True


def test_inconclusive_opens_one_task_for_hr(client, check):
    deliver(client, _body(check, "started"))
    deliver(client, _body(check, "inconclusive"))
    task = HRTask.objects.get()
    assert (task.kind, task.status, task.background_check_id) == ("check_inconclusive", "open", check.pk)
    assert Offer.objects.get(pk=check.offer_id).status == Offer.Status.SENT
