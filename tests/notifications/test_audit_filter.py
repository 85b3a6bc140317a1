"""Events about notifications written before the outbox moved to `notifications` name their
target `interviews.notification`: the trail's filters find them under either label."""

import pytest
from django.urls import reverse

from audit.models import AuditAction
from audit.selectors import audit_trail_for
from audit.services import audit_record
from notifications.models import Notification
from tests.interviews.outbox_helpers import queue, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(recruiter):
    """One event under the former label (as written before the move) and one under the current."""
    notification = queue("invitation", schedule(recruiter))
    older = audit_record(
        actor=recruiter,
        action=AuditAction.UPDATE,
        target_type="interviews.notification",
        target_id=str(notification.pk),
    )
    newer = audit_record(actor=recruiter, action=AuditAction.UPDATE, target=notification)
    assert newer.target_type == Notification._meta.label_lower == "notifications.notification"
    return {older.pk, newer.pk}


@pytest.mark.parametrize("label", ["interviews.notification", "notifications.notification"])
def test_the_selector_finds_a_notifications_events_under_either_label(hr_admin, events, label):
    found = audit_trail_for(user=hr_admin, filters={"target_type": label}).chain
    assert set(found.values_list("pk", flat=True)) == events


def test_other_record_types_filter_as_before(hr_admin, events):
    found = audit_trail_for(user=hr_admin, filters={"target_type": "interviews.interview"}).chain
    assert not set(found.values_list("pk", flat=True)) & events


@pytest.mark.parametrize("label", ["interviews.notification", "notifications.notification"])
def test_the_trail_page_finds_a_notifications_events_under_either_label(client, hr_admin, events, label):
    client.force_login(hr_admin)
    page = client.get(reverse("hr-audit"), {"target_type": label})
    assert page.status_code == 200
    shown = {row["event"].pk for row in page.context["rows"]}
    assert events <= shown
