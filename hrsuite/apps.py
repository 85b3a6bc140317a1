from django.apps import AppConfig


class HrsuiteConfig(AppConfig):
    """The project package as an app, for its cross-app management commands (rotate_keys)."""

    name = "hrsuite"
    verbose_name = "hrsuite"
