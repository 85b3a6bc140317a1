"""Provisioning a hire to OA, finance and training: real HTTP receivers on 127.0.0.1, signed POSTs,
retries with back-off (time moved with time-machine, never slept on), the dead letter with its HR
task and message, HR's retry, and the targets' and deliveries' API."""

import datetime
import hashlib
import hmac
import json

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.roles import Role
from notifications.models import Notification
from onboarding.models import HRTask, ProvisioningDelivery, ProvisioningTarget
from onboarding.services import provisioning
from onboarding.services.notices import OnboardingMessage
from onboarding.services.provisioning import provisioning_dispatch, provisioning_start
from tests.factories import make_user
from tests.onboarding.provisioning_helpers import SECRETS, make_plan, make_targets

pytestmark = pytest.mark.django_db
DeliveryStatus = ProvisioningDelivery.Status
SYSTEMS = ("finance", "oa", "training")


@pytest.fixture
def receivers(http_receiver):
    return {system: http_receiver() for system in SYSTEMS}


@pytest.fixture
def targets(recruiter, receivers):
    return make_targets(recruiter, {system: r.url for system, r in receivers.items()})


@pytest.fixture
def plan(recruiter):
    return make_plan(recruiter)


def _delivery(plan, system) -> ProvisioningDelivery:
    return ProvisioningDelivery.objects.select_related("target").get(plan=plan, target__system=system)


def _raw_payload(delivery) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM onboarding_provisioningdelivery WHERE id = %s", [delivery.pk.hex])
        row = cursor.fetchone()
        if row is None:  # PostgreSQL stores the uuid as uuid, SQLite as its hex
            cursor.execute("SELECT payload FROM onboarding_provisioningdelivery WHERE id = %s", [delivery.pk])
            row = cursor.fetchone()
    return row[0]


def _expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Computed here from the documented scheme, not with the code under test."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# --- Queueing -----------------------------------------------------------------------------------


def test_start_queues_each_system_only_what_it_needs_encrypted_at_rest(recruiter, targets, plan):
    deliveries = provisioning_start(plan=plan, actor=recruiter)

    assert sorted(d.target.system for d in deliveries) == list(SYSTEMS)
    candidate, offer = plan.application.candidate, plan.offer
    oa, finance, training = (_delivery(plan, s).payload for s in ("oa", "finance", "training"))
    start = plan.start_date.isoformat()
    assert finance == {
        "name": candidate.full_name,
        "start_date": start,
        "salary": "420000.00",
        "currency": "CNY",
    }
    assert oa["name"] == candidate.full_name and oa["start_date"] == start
    assert oa["position"] == offer.position.title and oa["department"] == offer.position.department
    assert oa["work_email"].endswith("@example.com") and oa["work_email"].startswith("candidate.")
    assert training["courses"] == ["orientation", "information-security", "data-privacy"]
    assert training["position"] == offer.position.title
    # The salary goes to finance alone.
    assert "salary" not in oa and "salary" not in training
    # At rest, neither the name nor the salary is readable.
    raw = _raw_payload(_delivery(plan, "finance"))
    assert "420000" not in raw and candidate.full_name not in raw
    assert {d.idempotency_key for d in deliveries} == {f"provisioning:{plan.pk}:{s}" for s in SYSTEMS}


def test_start_twice_queues_nothing_more_and_skips_inactive_targets(recruiter, targets, plan):
    provisioning.provisioning_target_update(target=targets["training"], active=False, actor=recruiter)
    first = provisioning_start(plan=plan, actor=recruiter)
    second = provisioning_start(plan=plan, actor=recruiter)

    assert sorted(d.target.system for d in first) == ["finance", "oa"]
    assert {d.pk for d in second} == {d.pk for d in first}
    assert ProvisioningDelivery.objects.count() == 2
    created = AuditEvent.objects.filter(target_type="onboarding.provisioningdelivery", action="create")
    assert created.count() == 2


# --- Sending ------------------------------------------------------------------------------------


def test_delivered_first_time_signed_with_the_targets_secret_and_its_idempotency_key(
    recruiter, receivers, targets, plan
):
    provisioning_start(plan=plan, actor=recruiter)

    result = provisioning_dispatch()

    assert result.delivered == 3
    for system, receiver in receivers.items():
        delivery = _delivery(plan, system)
        assert (
            delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1 and delivery.delivered_at
        )
        [request] = receiver.requests
        assert request.path == "/hooks/new-hire"
        assert request.headers["Idempotency-Key"] == delivery.idempotency_key
        assert request.headers["Content-Type"].startswith("application/json")
        stamp = request.headers["X-Hrsuite-Timestamp"]
        assert abs(int(stamp) - timezone.now().timestamp()) < 60
        assert request.headers["X-Hrsuite-Signature"] == _expected_signature(
            SECRETS[system], stamp, request.body
        )
        # Signed with this system's secret, not another one's.
        other = SECRETS["oa" if system != "oa" else "finance"]
        assert request.headers["X-Hrsuite-Signature"] != _expected_signature(other, stamp, request.body)
        document = request.json()
        assert document == {
            "event": "new_hire",
            "system": system,
            "idempotency_key": delivery.idempotency_key,
            "plan": str(plan.pk),
            "data": delivery.payload,
        }


def test_receiver_failing_twice_then_succeeding_gets_it_on_the_third_attempt(
    recruiter, receivers, targets, plan
):
    receivers["finance"].fail_next = 2
    provisioning_start(plan=plan, actor=recruiter)
    finance = receivers["finance"]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = provisioning_dispatch()
        assert (first.delivered, first.retried) == (2, 1)
        delivery = _delivery(plan, "finance")
        assert (delivery.status, delivery.attempts, delivery.last_error) == (
            DeliveryStatus.PENDING,
            1,
            "HTTP 503 Service Unavailable",
        )
        assert delivery.next_attempt_at == timezone.now() + datetime.timedelta(seconds=60)

        # Not due yet: nothing is sent before the back-off has passed.
        traveller.shift(datetime.timedelta(seconds=59))
        assert provisioning_dispatch().handled == 0
        traveller.shift(datetime.timedelta(seconds=1))
        assert provisioning_dispatch().retried == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == timezone.now() + datetime.timedelta(seconds=120)  # doubled

        traveller.shift(datetime.timedelta(seconds=120))
        assert provisioning_dispatch().delivered == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.DELIVERED, 3, "")
    assert [r.answered for r in finance.requests] == [503, 503, 200]
    # The same key and the same bytes on every attempt; only the timestamp and signature change.
    assert {r.headers["Idempotency-Key"] for r in finance.requests} == {delivery.idempotency_key}
    assert len({r.body for r in finance.requests}) == 1
    assert len(receivers["oa"].requests) == len(receivers["training"].requests) == 1


def _run_until_dead(traveller, max_attempts: int) -> None:
    for _ in range(max_attempts):
        provisioning_dispatch()
        traveller.shift(datetime.timedelta(hours=1))


def test_receiver_that_never_succeeds_ends_dead_with_an_hr_task_and_the_recruiters_told(
    recruiter, receivers, targets, plan
):
    second_recruiter = make_user(Role.RECRUITER, username="recruiter2")
    receivers["oa"].fail_always = True
    provisioning_start(plan=plan, actor=recruiter)

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _run_until_dead(traveller, 5)  # HRSUITE_PROVISIONING_MAX_ATTEMPTS' default
        traveller.shift(datetime.timedelta(days=1))
        assert provisioning_dispatch().handled == 0  # dead rows are not tried again

    delivery = _delivery(plan, "oa")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 5)
    assert delivery.last_error == "HTTP 503 Service Unavailable"
    assert len(receivers["oa"].requests) == 5
    task = HRTask.objects.get(kind=HRTask.Kind.PROVISIONING_FAILED)
    assert (task.application_id, task.status) == (plan.application_id, HRTask.Status.OPEN)
    messages = Notification.objects.filter(template=OnboardingMessage.PROVISIONING_DEAD)
    assert {m.recipient_user for m in messages} == {recruiter, second_recruiter}
    assert all(m.payload["system"] == "oa" and m.payload["hr_task"] == str(task.pk) for m in messages)
    dead = AuditEvent.objects.get(target_id=str(delivery.pk), detail__event="dead")
    assert dead.actor_label == "system:provisioning"
    assert dead.candidate_id == plan.application.candidate_id


def test_max_attempts_come_from_the_setting(recruiter, receivers, targets, plan, settings):
    settings.HRSUITE_PROVISIONING_MAX_ATTEMPTS = 2
    receivers["training"].fail_always = True
    provisioning_start(plan=plan, actor=recruiter)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _run_until_dead(traveller, 2)
    assert (_delivery(plan, "training").status, len(receivers["training"].requests)) == (
        DeliveryStatus.DEAD,
        2,
    )


def test_hr_retry_of_a_dead_delivery_sends_it_again_once_and_is_audited(
    api, recruiter, hr_admin, receivers, targets, plan
):
    receivers["oa"].fail_always = True
    provisioning_start(plan=plan, actor=recruiter)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _run_until_dead(traveller, 5)
    delivery = _delivery(plan, "oa")
    url = reverse("provisioning-delivery-retry", args=[delivery.pk])
    receivers["oa"].fail_always = False  # the OA team fixed their side

    assert api.as_user(hr_admin).post(url).status_code == 403  # read-only by design
    response = api.as_user(recruiter).post(url)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending" and response.json()["attempts"] == 0
    retried = AuditEvent.objects.get(target_id=str(delivery.pk), detail__event="retry")
    assert retried.actor_id == recruiter.pk
    assert provisioning_dispatch().delivered == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert receivers["oa"].taken == {delivery.idempotency_key: 1}
    # Only a dead delivery is retried: a delivered one answers with its state, and nothing is sent.
    again = api.as_user(recruiter).post(url)
    assert again.status_code == 409
    assert (
        again.json()["error"]["message"]
        == "Provisioning delivery in state 'delivered' does not accept 'retry'."
    )


def test_a_delivered_hire_is_never_sent_again(recruiter, receivers, targets, plan):
    provisioning_start(plan=plan, actor=recruiter)
    provisioning_dispatch()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            traveller.shift(datetime.timedelta(hours=1))
            provisioning_start(plan=plan, actor=recruiter)  # the accept and the start date both fire
            assert provisioning_dispatch().handled == 0
    for system, receiver in receivers.items():
        assert receiver.taken == {f"provisioning:{plan.pk}:{system}": 1}
        assert len(receiver.requests) == 1


def test_a_redirect_or_an_unreachable_receiver_is_a_failed_attempt(recruiter, http_receiver, plan):
    redirecting = http_receiver(fail_next=1, fail_status=307)
    make_targets(recruiter, {"oa": redirecting.url, "finance": "http://127.0.0.1:9/closed"})
    provisioning_start(plan=plan, actor=recruiter)

    assert provisioning_dispatch().retried == 2

    assert _delivery(plan, "oa").last_error == "HTTP 307 Temporary Redirect"
    assert _delivery(plan, "finance").last_error == "Connection refused."


def test_a_claim_left_by_a_dead_dispatcher_is_taken_back(recruiter, receivers, targets, plan, settings):
    provisioning_start(plan=plan, actor=recruiter)
    claimed = timezone.now() - datetime.timedelta(seconds=settings.HRSUITE_PROVISIONING_CLAIM_TIMEOUT + 1)
    ProvisioningDelivery.objects.filter(target__system="oa").update(
        status=DeliveryStatus.SENDING, claimed_at=claimed, attempts=1
    )
    ProvisioningDelivery.objects.filter(target__system="finance").update(
        status=DeliveryStatus.SENDING, claimed_at=claimed, attempts=settings.HRSUITE_PROVISIONING_MAX_ATTEMPTS
    )
    # A fresh claim (a live dispatcher) is left alone.
    ProvisioningDelivery.objects.filter(target__system="training").update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )

    result = provisioning_dispatch()

    assert result.reclaimed == 2 and result.delivered == 1
    assert _delivery(plan, "oa").status == DeliveryStatus.DELIVERED and _delivery(plan, "oa").attempts == 2
    assert _delivery(plan, "finance").status == DeliveryStatus.DEAD
    assert HRTask.objects.filter(kind=HRTask.Kind.PROVISIONING_FAILED).count() == 1
    assert _delivery(plan, "training").status == DeliveryStatus.SENDING
    assert receivers["training"].requests == []


# --- The API ------------------------------------------------------------------------------------


def test_recruiter_configures_a_target_and_nobody_reads_its_secret_back(
    api, recruiter, hr_admin, http_receiver
):
    receiver = http_receiver()
    body = {"system": "oa", "url": receiver.url, "secret": "a-long-shared-secret-123"}

    response = api.as_user(recruiter).post(reverse("provisioning-target-list"), body, format="json")

    assert response.status_code == 201, response.content
    assert "secret" not in response.json() and response.json()["has_secret"] is True
    target = ProvisioningTarget.objects.get()
    assert target.secret == "a-long-shared-secret-123"
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM onboarding_provisioningtarget")
        assert "a-long-shared-secret-123" not in cursor.fetchone()[0]
    for user in (recruiter, hr_admin):
        listed = api.as_user(user).get(reverse("provisioning-target-list")).json()["results"]
        assert listed == [{**response.json(), "updated_at": listed[0]["updated_at"]}]
        detail = api.as_user(user).get(reverse("provisioning-target-detail", args=[target.pk])).json()
        assert "secret" not in detail and detail["has_secret"] is True
    # HR admins read, never change.
    assert (
        api.as_user(hr_admin).post(reverse("provisioning-target-list"), body, format="json").status_code
        == 403
    )
    patch = api.as_user(hr_admin).patch(
        reverse("provisioning-target-detail", args=[target.pk]), {"active": False}, format="json"
    )
    assert patch.status_code == 403
    event = AuditEvent.objects.get(target_type="onboarding.provisioningtarget", action="create")
    assert "a-long-shared-secret-123" not in json.dumps(event.detail)


def test_secret_rotation_signs_the_next_delivery_with_the_new_secret(
    api, recruiter, receivers, targets, plan
):
    url = reverse("provisioning-target-detail", args=[targets["oa"].pk])
    response = api.as_user(recruiter).patch(url, {"secret": "the-rotated-secret-456"}, format="json")
    assert response.status_code == 200, response.content
    assert "secret" not in response.json()

    provisioning_start(plan=plan, actor=recruiter)
    provisioning_dispatch()

    [request] = receivers["oa"].requests
    stamp = request.headers["X-Hrsuite-Timestamp"]
    assert request.headers["X-Hrsuite-Signature"] == _expected_signature(
        "the-rotated-secret-456", stamp, request.body
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"system": "oa", "url": "ftp://files.example.com/", "secret": "x" * 20}, "url"),
        ({"system": "oa", "url": "https://user:pw@oa.example.com/", "secret": "x" * 20}, "url"),
        ({"system": "oa", "url": "https://oa.example.com/", "secret": "short"}, "secret"),
        ({"system": "payroll", "url": "https://oa.example.com/", "secret": "x" * 20}, "system"),
    ],
)
def test_a_bad_target_is_refused_and_nothing_is_stored(api, recruiter, body, field):
    response = api.as_user(recruiter).post(reverse("provisioning-target-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not ProvisioningTarget.objects.exists()


def test_a_second_target_for_a_system_is_refused(api, recruiter, targets):
    body = {"system": "oa", "url": "https://oa2.example.com/", "secret": "x" * 20}
    response = api.as_user(recruiter).post(reverse("provisioning-target-list"), body, format="json")
    assert response.status_code == 400
    assert "system" in response.json()["error"]["fields"]


def test_hr_sees_each_systems_status_filtered_by_plan_system_and_status(
    api, recruiter, hr_admin, receivers, targets, plan, django_assert_num_queries
):
    other_plan = make_plan(recruiter)
    receivers["finance"].fail_always = True
    provisioning_start(plan=plan, actor=recruiter)
    provisioning_start(plan=other_plan, actor=recruiter)
    provisioning_dispatch()
    url = reverse("provisioning-delivery-list")
    client = api.as_user(hr_admin)

    mine = client.get(url, {"plan": str(plan.pk)}).json()["results"]
    assert sorted((d["system"], d["status"]) for d in mine) == [
        ("finance", "pending"),
        ("oa", "delivered"),
        ("training", "delivered"),
    ]
    assert all(d["application"] == str(plan.application_id) and "payload" not in d for d in mine)
    failing = client.get(url, {"system": "finance", "status": "pending"}).json()["results"]
    assert {d["plan"] for d in failing} == {str(plan.pk), str(other_plan.pk)}
    assert all(d["last_error"] == "HTTP 503 Service Unavailable" for d in failing)
    bad = client.get(url, {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    # One page costs the same however many rows it shows: no query per delivery.
    client.get(url)  # warms the user's role cache like any earlier request
    with django_assert_num_queries(5):
        assert len(client.get(url, {"plan": str(plan.pk)}).json()["results"]) == 3
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["results"]) == 6


# --- Erasure ------------------------------------------------------------------------------------


def test_the_erasure_call_names_the_plan_and_nothing_of_the_person(recruiter, receivers, targets, plan):
    provisioning_start(plan=plan, actor=recruiter)
    provisioning_dispatch()
    sent = receivers["oa"].requests[0].json()

    provisioning.provisioning_erasure_post(target=targets["oa"], plan_id=plan.pk)
    provisioning.provisioning_erasure_post(target=targets["oa"], plan_id=plan.pk)  # asked again

    first, second = receivers["oa"].requests[1:]
    key = f"erase:{plan.pk}:oa"
    assert first.json() == {"event": "erase", "system": "oa", "idempotency_key": key, "plan": str(plan.pk)}
    assert second.body == first.body and second.headers["Idempotency-Key"] == key
    stamp = first.headers["X-Hrsuite-Timestamp"]
    assert first.headers["X-Hrsuite-Signature"] == _expected_signature(SECRETS["oa"], stamp, first.body)
    # The receiver finds the hire by the plan the new-hire delivery named; no name, no address.
    assert sent["plan"] == str(plan.pk)
    for value in sent["data"].values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in first.body.decode()


def test_a_refused_erasure_call_fails_with_its_status_only(recruiter, receivers, targets, plan):
    receivers["finance"].fail_always = True

    with pytest.raises(provisioning.DeliveryFailed, match=r"^HTTP 503 Service Unavailable$"):
        provisioning.provisioning_erasure_post(target=targets["finance"], plan_id=plan.pk)
