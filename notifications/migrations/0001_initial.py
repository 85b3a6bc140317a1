"""The outbox moves from `interviews` to `notifications` with its table, data and names: only
Django's state changes (interviews 0015 drops it there). The content type row is re-pointed, so
the permissions on notifications, and the role groups and users holding them, stay attached."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import hrsuite.fields
import notifications.registry


def _move_content_type(apps, from_label: str, to_label: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=to_label, model="notification").exists():
        return
    content_type.objects.filter(app_label=from_label, model="notification").update(app_label=to_label)


def content_type_forward(apps, schema_editor):
    _move_content_type(apps, "interviews", "notifications")


def content_type_backward(apps, schema_editor):
    _move_content_type(apps, "notifications", "interviews")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("candidates", "0004_position_rejection_notice_hours"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("interviews", "0014_notification_application_rejected"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("channel", models.CharField(choices=[("email", "E-mail")], default="email", max_length=16)),
                        # The choices are the templates the apps register, no longer a fixed list.
                        ("template", models.CharField(choices=notifications.registry.template_choices, max_length=32)),
                        ("language", models.CharField(default="en", max_length=10)),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        (
                            "secret_payload",
                            hrsuite.fields.EncryptedJSONField(
                                blank=True, default=dict, sealed_as="interviews.notification"
                            ),
                        ),
                        ("due_at", models.DateTimeField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.CharField(blank=True, max_length=500)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("idempotency_key", models.CharField(max_length=200, unique=True)),
                        (
                            "candidate",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="candidates.candidate",
                            ),
                        ),
                        (
                            "interview",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="interviews.interview",
                            ),
                        ),
                        (
                            "recipient_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "interviews_notification",
                        "ordering": ["due_at"],
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "indexes": [models.Index(fields=["status", "due_at"], name="interviews__status_88e7cb_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("candidate__isnull", False), ("recipient_user__isnull", True)),
                                    models.Q(("candidate__isnull", True), ("recipient_user__isnull", False)),
                                    _connector="OR",
                                ),
                                name="notification_one_recipient",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forward, content_type_backward),
    ]
