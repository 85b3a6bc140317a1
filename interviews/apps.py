from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        from candidates.services.applications import application_close_handler
        from interviews import emails, policies  # noqa: F401 - registers who sees which interview data
        from interviews.services.closing import application_close

        emails.register()
        # A rejected or withdrawn application leaves no interview or message pending.
        application_close_handler(application_close)
