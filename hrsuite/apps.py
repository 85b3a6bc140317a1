from django.apps import AppConfig


class HrsuiteConfig(AppConfig):
    """The shared base as an app, for its static files."""

    name = "hrsuite"
    verbose_name = "hrsuite"
