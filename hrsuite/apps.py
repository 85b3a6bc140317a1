from django.apps import AppConfig


class HrsuiteConfig(AppConfig):
    """The shared base as an app, for its template tags and static files."""

    name = "hrsuite"
    verbose_name = "hrsuite"
