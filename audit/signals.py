"""Sign-ins and failed sign-ins go into the audit trail, whichever login path raised them."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit.models import AuditAction
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _record_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, target=user)


def attempted_name_for_trail(username) -> str:
    """The user name a failed sign-in tried, as the trail keeps it: as typed, so brute force
    shows, except an e-mail address (candidates type theirs there), kept as its blind index: the
    trail holds no values of encrypted fields, and the index still finds the candidate."""
    name = str(username or "")[:150]
    if "@" in name:
        from candidates.services.candidates import email_index

        return f"blind-index:{email_index(name)}"
    return name


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _record_login_failed(sender, credentials, request=None, **kwargs):
    # The password never reaches here.
    username = attempted_name_for_trail(credentials.get("username", ""))
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, detail={"username": username})
