from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self):
        from django.template.defaultfilters import filesizeformat

        from audit.signals import register_address_index
        from candidates import notices, policies  # noqa: F401 - registers who sees which candidate data
        from candidates.badges import stage_badge
        from candidates.services.candidates import email_index
        from hrsuite.templating import register_helper

        # Candidates sign in with their e-mail address: a failed sign-in keeps it in the trail as
        # the index their encrypted addresses are found by.
        register_address_index(email_index)
        register_helper("stage_badge", stage_badge)
        # A file's size as people read it ("1.2 MB"), in the viewer's language.
        register_helper("file_size", filesizeformat)
        notices.register()
