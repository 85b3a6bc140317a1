from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import router
from django.db.models.signals import post_migrate


def _sync_roles(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    from accounts.roles import roles_sync

    if not router.allow_migrate_model(using, Group):
        return  # the key store (hrsuite.persons) holds no permissions
    # Permissions of apps later in INSTALLED_APPS are otherwise created after this handler runs.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync()


def _count_failure(sender, credentials, request=None, **kwargs):
    from accounts import sign_in_limits

    # A refusal by the limits checked no password: it guessed nothing, so it counts nothing.
    if request is not None and not sign_in_limits.refused_before_checking(request):
        sign_in_limits.failure_count(request, credentials.get("username", ""))


def _clear_failures(sender, request, user, **kwargs):
    from accounts import sign_in_limits

    if request is not None:
        sign_in_limits.success_note(request, user.get_username())


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import notices, policies  # noqa: F401 - registers who sees which API tokens

        notices.register()

        # Keeps every database's role groups current after each migrate.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="hrsuite_roles_sync")
        # Failed and successful password sign-ins, from any entry point, move the limits' counts.
        user_login_failed.connect(_count_failure, dispatch_uid="hrsuite_sign_in_limits_failed")
        user_logged_in.connect(_clear_failures, dispatch_uid="hrsuite_sign_in_limits_cleared")
