from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Candidates' pages: the signed-in portal and the pages opened from their e-mails."""

    name = "portal"
    verbose_name = "Candidate portal"
