"""HR's outbox API: filtered, audited lists; retry of failed messages by recruiters only."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from tests.interviews.outbox_helpers import queue, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(recruiter):
    interview = schedule(recruiter)
    failed = queue("invitation", interview)
    Notification.objects.filter(pk=failed.pk).update(
        status="failed", attempts=5, last_error="SMTPDataError: 451 try later"
    )
    pending = queue("reminder", interview, due_at=interview.starts_at)
    return {"interview": interview, "failed": failed, "pending": pending}


def test_recruiter_lists_failed_messages_and_the_read_is_audited(api, recruiter, outbox):
    response = api.as_user(recruiter).get(reverse("notification-list"), {"status": "failed"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert (row["id"], row["status"], row["last_error"]) == (
        str(outbox["failed"].pk),
        "failed",
        row["last_error"],
    )
    assert "email" not in row and "payload" not in row
    event = AuditEvent.objects.filter(action="list", target_type="notifications.notification").get()
    assert event.target_ids == [str(outbox["failed"].pk)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"template": "reminder"}, {"pending"}),
        ({"candidate": None}, {"failed", "pending"}),
        ({}, {"failed", "pending"}),
    ],
)
def test_list_filters(api, recruiter, outbox, query, expected):
    if "candidate" in query:
        query = {"candidate": str(outbox["interview"].application.candidate_id)}
    query["interview"] = str(outbox["interview"].pk)
    response = api.as_user(recruiter).get(reverse("notification-list"), query)
    assert {row["id"] for row in response.json()["results"]} == {str(outbox[k].pk) for k in expected}


def test_bad_filter_is_a_field_error(api, recruiter, outbox):
    response = api.as_user(recruiter).get(reverse("notification-list"), {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_list_query_count_does_not_grow_with_rows(api, recruiter, outbox, django_assert_max_num_queries):
    for _ in range(5):
        queue("invitation", schedule(recruiter))
    client = api.as_user(recruiter)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notification-list")).status_code == 200


def test_recruiter_retries_a_failed_message(api, recruiter, outbox):
    response = api.as_user(recruiter).post(reverse("notification-retry", args=[outbox["failed"].pk]))
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)
    assert AuditEvent.objects.filter(action="update", target_id=str(outbox["failed"].pk)).exists()


def test_hr_admin_reads_the_outbox_but_cannot_retry(api, hr_admin, outbox):
    client = api.as_user(hr_admin)
    assert client.get(reverse("notification-detail", args=[outbox["failed"].pk])).status_code == 200
    response = client.post(reverse("notification-retry", args=[outbox["failed"].pk]))
    assert response.status_code == 403
    outbox["failed"].refresh_from_db()
    assert outbox["failed"].status == "failed"


def test_only_a_failed_message_can_be_retried(api, recruiter, outbox):
    response = api.as_user(recruiter).post(reverse("notification-retry", args=[outbox["pending"].pk]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
