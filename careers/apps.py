from django.apps import AppConfig


class CareersConfig(AppConfig):
    """The public careers page: open positions and the application form, for anyone, signed in or
    not (docs/architecture.md, "Careers page and intake")."""

    name = "careers"
    verbose_name = "Careers page"
