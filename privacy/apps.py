from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from interviews.services.ai_processing import ai_processing_withheld_when
        from privacy import emails, policies  # noqa: F401 - registers who sees which privacy request
        from privacy.services.restrictions import ai_processing_restricted

        emails.register()
        # A candidate who restricted the processing of their data is neither assessed by AI nor
        # scheduled for an AI interview.
        ai_processing_withheld_when(ai_processing_restricted)
