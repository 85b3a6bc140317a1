from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions

    from hrsuite.accounts.roles import roles_sync

    # Permissions of apps later in INSTALLED_APPS are otherwise created after this handler runs.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync()


class AccountsConfig(AppConfig):
    name = "hrsuite.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Keeps every database's role groups current after each migrate.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="hrsuite_roles_sync")
