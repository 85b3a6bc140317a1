from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HrsuiteConfig(AppConfig):
    """The shared base as an app, for its static files and what every app's migrations reset."""

    name = "hrsuite"
    verbose_name = "hrsuite"

    def ready(self):
        from hrsuite.permissions import forget_permission_ids

        # Sent for every app after each migrate and flush; permissions are made again in it.
        post_migrate.connect(forget_permission_ids, dispatch_uid="hrsuite_forget_permission_ids")
