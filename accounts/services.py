"""Writes to accounts: API tokens, integration service users and their scoped tokens, and user
preferences."""

import secrets
from datetime import timedelta
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ApiToken, User, api_token_digest
from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import ValidationFailed
from hrsuite.roles import Role

# What an integration token may be allowed to do, by scope name; it may do nothing else.
INTEGRATION_SCOPES = {
    "assess_interviews": ("interviews", "assess_interview"),
    # Job boards and referral tools posting applications (docs/architecture.md, "Careers page and intake").
    "submit_applications": ("candidates", "submit_applicationintake"),
    # A performance system posting hires' ratings (docs/architecture.md, "Later performance and
    # validity"): it names any hire, and reads nothing.
    "record_performance": ("analytics", "add_performancerating"),
}


# What a token starts with: secret scanners and people can tell an hrsuite token at sight.
API_TOKEN_MARK = "hrs_"  # noqa: S105 - a label, not a secret
# The characters of a token kept and listed to tell tokens apart (the mark and 8 of the secret's).
_API_TOKEN_PREFIX_LENGTH = len(API_TOKEN_MARK) + 8
# Refresh `last_used_at` at most this often: one write a minute, not one per request.
_LAST_USED_PRECISION = timedelta(minutes=1)


def api_token_lifetime(days: int | None = None) -> timedelta:
    return timedelta(days=days if days is not None else settings.HRSUITE_API_TOKEN_DAYS)


@transaction.atomic
def api_token_issue(
    *, user: User, actor, name: str = "", scopes: list[str] | None = None, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` (HRSUITE_API_TOKEN_DAYS unless given). Returns the
    row and the secret, which is not kept: the caller shows it once."""
    if days is not None and days < 1:
        message = gettext("A token is valid for one day at least.")
        raise ValidationFailed(message, fields={"days": [message]})
    secret = API_TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=secret[:_API_TOKEN_PREFIX_LENGTH],
        digest=api_token_digest(secret),
        scopes=sorted(scopes or []),
        expires_at=timezone.now() + api_token_lifetime(days),
    )
    token.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=token,
        detail={
            "event": "api_token_issued",
            "user": user.get_username(),
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, secret


def api_token_used(token: ApiToken) -> None:
    """Notes when a token was last used (to the minute), for its owner's list."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Ends a token now. The caller found it through `api_tokens_for` (one's own). Revoking a
    revoked token changes nothing."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_because=ApiToken.RevokedBecause.OWNER, updated_at=now
    )
    token.refresh_from_db()
    if revoked:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=token,
            changed_fields=["revoked_at", "revoked_because"],
            detail={"event": "api_token_revoked", "user": token.user.get_username(), "prefix": token.prefix},
        )
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str, actor="system:password-change") -> list[ApiToken]:
    """Ends every token of `user` that still works (or could, before its expiry): one event
    naming them all."""
    now = timezone.now()
    ids = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return []
    ApiToken.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
        revoked_at=now, revoked_because=reason, updated_at=now
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type=ApiToken._meta.label_lower,
        target_ids=ids,
        changed_fields=["revoked_at", "revoked_because"],
        detail={"event": "api_tokens_revoked", "user": user.get_username(), "reason": reason},
    )
    return list(ApiToken.objects.filter(pk__in=ids))


@transaction.atomic
def integration_create(*, name: str, scopes: list[str], actor, days: int | None = None) -> tuple[User, str]:
    """A service user for an outside system, holding exactly the permissions its scopes name,
    and its first API token (valid for `days`, HRSUITE_API_TOKEN_DAYS unless given)."""
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
    _token, secret = api_token_issue(user=user, actor=actor, name=username, scopes=scopes, days=days)
    return user, secret


@transaction.atomic
def integration_token_issue(
    *, name: str, scopes: list[str], actor, days: int | None = None
) -> tuple[User, str]:
    """A further token for an existing integration (tokens expire: this is how one is replaced),
    asked for with the scopes the integration has; its older tokens keep working until they
    expire or are revoked, so the outside system can switch without a gap."""
    user = User.objects.filter(username=f"integration:{name}", is_active=True).first()
    if user is None:
        message = gettext("There is no such integration.")
        raise ValidationFailed(message, fields={"name": [message]})
    held = sorted(
        scope
        for scope, (app_label, codename) in INTEGRATION_SCOPES.items()
        if user.user_permissions.filter(content_type__app_label=app_label, codename=codename).exists()
    )
    if sorted(set(scopes)) != held:
        message = gettext("The integration has the scopes %(scopes)s; a new token has the same.") % {
            "scopes": held
        }
        raise ValidationFailed(message, fields={"scopes": [message]})
    _token, secret = api_token_issue(user=user, actor=actor, name=user.username, scopes=held, days=days)
    return user, secret


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
