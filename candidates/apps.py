from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self):
        from candidates import policies  # noqa: F401 - registers who sees which candidate data
