from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """Interviewers' pages: their assigned interviews, each with its assessment and their scorecard."""

    name = "workspace"
    verbose_name = "Interviewer workspace"
