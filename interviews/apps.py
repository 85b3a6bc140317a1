from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        from candidates.services.applications import application_close_handler
        from candidates.services.intake import privacy_notice_register
        from candidates.services.positions import plan_steps_register
        from interviews import emails, policies  # noqa: F401 - registers who sees which interview data
        from interviews.models import Interview
        from interviews.services.closing import application_close
        from interviews.services.consent import intake_notice
        from interviews.services.scheduling import MAX_DURATION, MIN_DURATION

        emails.register()
        # The candidate survey: who sees it, its invitation (docs/architecture.md, "Candidate survey").
        from interviews import survey_emails, survey_policies  # noqa: F401

        survey_emails.register()
        # A rejected or withdrawn application leaves no interview or message pending.
        application_close_handler(application_close)
        # A position's interview plan is made of the interviews this app holds.
        plan_steps_register(kinds=Interview.Kind.choices, minutes=(MIN_DURATION, MAX_DURATION))
        # The privacy notice an applicant acknowledges is the published consent notice.
        privacy_notice_register(intake_notice)
