from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        from interviews import emails, policies  # noqa: F401 - registers who sees which interview data

        emails.register()
