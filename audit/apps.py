from functools import partial

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from audit import context, signals  # noqa: F401 - signals records sign-ins and failed sign-ins
        from audit.models import AuditAction
        from audit.services import audit_list, audit_record
        from hrsuite import trail

        # The base's audited reads write to this trail (see hrsuite.trail).
        trail.register(
            trail.Trail(
                viewed=partial(audit_record, action=AuditAction.VIEW),
                listed=audit_list,
                refused=context.note_refused,
            )
        )
