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

    def get_full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()


def full_name(first_name: str, last_name: str) -> str:
    """A person's name as they write it: Chinese names family name first, with no space (林美, not
    美 林), others given name first, each part without the spaces around it."""
    first, last = first_name.strip(), last_name.strip()
    if _is_chinese(first) and _is_chinese(last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _is_chinese(name: str) -> bool:
    return bool(name) and all("\u4e00" <= char <= "\u9fff" for char in name)
