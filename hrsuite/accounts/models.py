"""People who sign in: HR staff, interviewers, candidates and integration service users."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """One group per role of DESIGN.md §2; the group carries the role's global permissions."""

    RECRUITER = "recruiter", _("Recruiter")
    HR_ADMIN = "hr_admin", _("HR admin")
    INTERVIEWER = "interviewer", _("Interviewer")
    CANDIDATE = "candidate", _("Candidate")
    INTEGRATION = "integration", _("Integration")


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        default="en",
        choices=[("en", "English"), ("zh-hans", "简体中文")],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()
