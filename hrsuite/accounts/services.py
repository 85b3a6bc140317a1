"""Writes to accounts: integration service users and their scoped API tokens."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.accounts.models import Role, User
from hrsuite.errors import ValidationFailed

# What an integration token may be allowed to do, by scope name; it may do nothing else.
INTEGRATION_SCOPES = {
    "assess_interviews": ("interviews", "assess_interview"),
}


@transaction.atomic
def integration_create(*, name: str, scopes: list[str], actor) -> tuple[User, str]:
    """A service user for an outside system, holding exactly the permissions its scopes name,
    and its API token."""
    unknown = sorted(set(scopes) - set(INTEGRATION_SCOPES))
    if unknown or not scopes:
        message = f"Choose scopes from {sorted(INTEGRATION_SCOPES)}."
        raise ValidationFailed(message, fields={"scopes": [message]})
    username = f"integration:{name}"
    if User.objects.filter(username=username).exists():
        raise ValidationFailed("The integration exists already.", fields={"name": ["Taken."]})
    user = User(username=username, is_active=True)
    user.set_unusable_password()
    user.save(force_insert=True)
    user.groups.add(Group.objects.get(name=Role.INTEGRATION.value))
    for scope in scopes:
        app_label, codename = INTEGRATION_SCOPES[scope]
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
        audit_record(
            actor=actor,
            action=AuditAction.PERMISSION_GRANT,
            target=user,
            detail={"user": username, "permission": f"{app_label}.{codename}", "scope": scope},
        )
    token = Token.objects.create(user=user)
    return user, token.key
