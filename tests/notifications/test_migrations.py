"""The outbox moved from `interviews` to `notifications` with its table: rows written before the
move are read by the new model as they were, secrets included, and the permissions on them (and
the role groups holding those) stay attached. Runs on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hrsuite.roles import Role
from notifications.models import Notification
from tests.factories import make_interview

BEFORE_THE_MOVE = [("interviews", "0014_notification_application_rejected"), ("notifications", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_notifications_written_before_the_move_are_read_by_the_moved_model(recruiter):
    interview = make_interview(recruiter)
    change = Permission.objects.get(content_type__app_label="notifications", codename="change_notification")
    recruiters = Group.objects.get(name=Role.RECRUITER.value)
    assert change in recruiters.permissions.all()
    due = timezone.now() + datetime.timedelta(hours=3)
    try:
        old_apps = _migrate(BEFORE_THE_MOVE)
        assert ContentType.objects.get(pk=change.content_type_id).app_label == "interviews"
        old_notification = old_apps.get_model("interviews", "Notification")
        written = old_notification(
            template="reschedule_offer",
            idempotency_key="reschedule_offer:before-the-move",
            due_at=due,
            candidate_id=interview.application.candidate_id,
            interview_id=interview.pk,
            payload={"slots": ["2031-03-05T02:00:00+00:00"]},
            secret_payload={"offer_url": "https://hr.test/offers/secret"},
            language="zh-hans",
            status="failed",
            attempts=3,
            last_error="SMTPServerDisconnected: gone",
        )
        written.save(force_insert=True)

        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        read = Notification.objects.get(pk=written.pk)
        assert (read.template, read.idempotency_key, read.due_at, read.language) == (
            "reschedule_offer",
            "reschedule_offer:before-the-move",
            due,
            "zh-hans",
        )
        assert (read.candidate_id, read.interview_id, read.recipient_user_id) == (
            interview.application.candidate_id,
            interview.pk,
            None,
        )
        assert read.payload == {"slots": ["2031-03-05T02:00:00+00:00"]}
        assert read.secret_payload == {"offer_url": "https://hr.test/offers/secret"}
        assert (read.status, read.attempts, read.last_error) == ("failed", 3, "SMTPServerDisconnected: gone")
        assert read.get_template_display() == "Choose a new time"
        # The same permission rows, now the notifications app's, still held by the recruiters.
        assert ContentType.objects.get(pk=change.content_type_id).app_label == "notifications"
        assert Permission.objects.get(pk=change.pk).codename == "change_notification"
        assert change in recruiters.permissions.all()
        assert recruiter.has_perm("notifications.change_notification")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
