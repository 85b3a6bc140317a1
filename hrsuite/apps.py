from celery.signals import task_prerun
from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import post_migrate


class HrsuiteConfig(AppConfig):
    """The shared base as an app, for its static files and what every app's migrations reset."""

    name = "hrsuite"
    verbose_name = "hrsuite"

    def ready(self):
        from hrsuite import persons
        from hrsuite.permissions import forget_permission_ids

        # Sent for every app after each migrate and flush; permissions are made again in it.
        post_migrate.connect(forget_permission_ids, dispatch_uid="hrsuite_forget_permission_ids")
        # Each request and task reads the person keys it needs afresh: a key destroyed since is
        # not used again (docs/architecture.md, "Person keys").
        request_started.connect(persons.forget, dispatch_uid="hrsuite_forget_person_keys")
        task_prerun.connect(persons.forget, dispatch_uid="hrsuite_forget_person_keys")
