"""Sign-ins and failed sign-ins go into the audit trail, whichever login path raised them."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit.models import AuditAction
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _record_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _record_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted user name is kept so brute force shows; the password never reaches here.
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, detail={"username": username})
