"""Writes to accounts: integration service users and their scoped API tokens, and user preferences."""

from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext
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
        message = gettext("Choose scopes from %(scopes)s.") % {"scopes": sorted(INTEGRATION_SCOPES)}
        raise ValidationFailed(message, fields={"scopes": [message]})
    username = f"integration:{name}"
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            gettext("The integration exists already."), fields={"name": [gettext("Taken.")]}
        )
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


@transaction.atomic
def user_preferences_update(*, user: User, language: str, time_zone: str, actor) -> User:
    """A user's own language and time zone; both are validated and saved together, or neither."""
    errors = {}
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = [gettext("Choose English or Simplified Chinese.")]
    if time_zone not in available_timezones():
        errors["time_zone"] = [gettext("Unknown time zone '%(zone)s'.") % {"zone": time_zone}]
    if errors:
        raise ValidationFailed(gettext("Preferences not saved."), fields=errors)
    if actor.pk != user.pk:
        raise ValidationFailed(
            gettext("Users set only their own preferences."), fields={"user": [gettext("Not you.")]}
        )
    user.preferred_language = language
    user.time_zone = time_zone
    user.save(update_fields=["preferred_language", "time_zone"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=user,
        changed_fields=["preferred_language", "time_zone"],
    )
    return user
