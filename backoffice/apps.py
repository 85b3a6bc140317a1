from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """HR's pages: the dashboard, candidate files, interview and offer pages, the audit viewer."""

    name = "backoffice"
    verbose_name = "HR back office"
