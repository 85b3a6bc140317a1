from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding"

    def ready(self):
        from onboarding import (
            emails,
            policies,  # noqa: F401 - registers who sees which offer and decision
        )

        emails.register()
