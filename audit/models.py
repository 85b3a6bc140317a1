"""The append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrsuite.fields import SealedForPersonField
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
    # A candidate's data handed on for one viewing (a recording opened on the provider).
    SHARE = "share", _("Shared")


class AppendOnlyError(Exception):
    """Audit events are never changed or removed."""


CHAIN_FIELDS = ("seq", "prev_hash", "hash")


def refuse_chained(events) -> None:
    """Only the chainer sets the chain fields (`audit.services.audit_chain_pending`), on events
    already in the table: an event arrives unchained."""
    if any(getattr(event, name) is not None for event in events for name in CHAIN_FIELDS):
        raise AppendOnlyError("Audit events are written unchained; only the chainer links them.")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        refuse_chained(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def newest_first(self):
        """The trail's reading order: events not chained yet (seq NULL) are the newest, by id,
        then the chain from its head down. Served by the unique index on seq (the few unchained
        events sorted on top) and, after a filter, by the indexes below that end in (seq, id)."""
        return self.order_by(F("seq").desc(nulls_first=True), F("id").desc())


class AuditEvent(ChoiceLabels):
    # The chain fields stay NULL until the chainer links the event, after its transaction commits
    # (docs/architecture.md, "Audit trail").
    seq = models.PositiveBigIntegerField(unique=True, null=True, editable=False)
    # Not indexed alone: a time filter is read by key, between the bounds an index of the events
    # by day gives (audit.selectors.TimeSpanBound).
    at = models.DateTimeField(default=timezone.now)
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
    # The event's personal values (a reason someone gave, the candidate's own address and browser
    # when they acted themselves), sealed as one JSON document under the key of the event's
    # candidate: a p1 token, or empty. The chain covers the token, so erasing the candidate makes
    # the values unreadable and leaves the chain as it was (`audit.services.personal_sealed`).
    personal = SealedForPersonField(blank=True, default="", db_default="")
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    # An HMAC over the content, set when the event is written (audit.chain.seal). NULL, not "",
    # in these three: the trigger tells a chain field never set from one set to anything.
    seal = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    prev_hash = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    hash = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = [F("seq").desc(nulls_first=True), F("id").desc()]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # The trail viewer's "who" filter: a name, as people, links and tasks have one.
            models.Index(fields=["actor_label", "-seq", "-id"], name="audit_actor_label"),
            models.Index(fields=["candidate_id", "-seq", "-id"], name="audit_candidate"),
            models.Index(fields=["action", "-seq", "-id"], name="audit_action"),
            # One request's events, a few: sorted once found.
            models.Index(fields=["request_id"], name="audit_request"),
            # What the chainer looks for: the few events not linked yet, oldest first.
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_unchained"),
            # What the sign-in limits count while the cache is down (accounts.sign_in_limits): a
            # name's sign-ins (its case ignored, as the name is), and the recent failed ones.
            models.Index(
                Upper("actor_label"), "at", condition=Q(action=AuditAction.LOGIN), name="audit_sign_ins"
            ),
            models.Index(
                fields=["at"], condition=Q(action=AuditAction.LOGIN_FAILED), name="audit_failed_sign_ins"
            ),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        place = f"#{self.seq}" if self.seq else "(unchained)"
        return f"{place} {self.actor_label or '-'} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("Audit events cannot be updated.")
        refuse_chained([self])
        # Always an INSERT: a new instance carrying an existing event's id would otherwise be
        # saved as an UPDATE of that event (and SQLite has no trigger to refuse it).
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """One row: the last link of the chain. The chainer locks it, so links are made one at a time."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"audit chain head #{self.seq}"
