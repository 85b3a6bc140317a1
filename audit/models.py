"""The append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrsuite.models import ChoiceLabels


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    LIST = "list", _("List")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    PERMISSION_GRANT = "permission_grant", _("Permission granted")
    PERMISSION_REVOKE = "permission_revoke", _("Permission revoked")
    DECISION = "decision", _("Decision")
    # A signed-in user or token refused an object (404) or an act (403): see `audit.refusals`.
    ACCESS_REFUSED = "access_refused", _("Access refused")


class AppendOnlyError(Exception):
    """Audit events are never changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(ChoiceLabels):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint: removing a user must not touch (or be blocked by) the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_ids = models.JSONField(default=list, blank=True)
    candidate_id = models.UUIDField(null=True, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # The trail viewer's "who" filter: a name, as people, links and tasks have one.
            models.Index(fields=["actor_label", "-seq"], name="audit_actor_label"),
            models.Index(fields=["candidate_id", "-seq"]),
            models.Index(fields=["action", "-seq"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"#{self.seq} {self.actor_label or '-'} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("Audit events cannot be updated.")
        # Always an INSERT: a new instance carrying an existing event's id would otherwise be
        # saved as an UPDATE of that event (and SQLite has no trigger to refuse it).
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """One row: the last link of the chain. Writers lock it, so links are made one at a time."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"audit chain head #{self.seq}"
