from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self):
        from audit.signals import register_address_index
        from candidates import policies  # noqa: F401 - registers who sees which candidate data
        from candidates.services.candidates import email_index

        # Candidates sign in with their e-mail address: a failed sign-in keeps it in the trail as
        # the index their encrypted addresses are found by.
        register_address_index(email_index)
