from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        from analytics import policies  # noqa: F401 - registers who sees ratings and figures
        from analytics.services.bias_audits import ai_interview_rule
        from interviews.services.ai_processing import ai_interview_refused_when

        # An AI interview needs its tool's recent bias audit where the region asks for one
        # (docs/architecture.md, "Fairness").
        ai_interview_refused_when(ai_interview_rule)
