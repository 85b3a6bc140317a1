"""The roles people sign in with: each is a group carrying the role's global permissions
(docs/architecture.md, "Roles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECRUITER = "recruiter", _("Recruiter")
    HR_ADMIN = "hr_admin", _("HR admin")
    INTERVIEWER = "interviewer", _("Interviewer")
    CANDIDATE = "candidate", _("Candidate")
    INTEGRATION = "integration", _("Integration")
    # Reads candidates' self-identification and the fairness figures made of it, and makes bias
    # audits; nothing of the candidate files (docs/architecture.md, "Fairness").
    COMPLIANCE = "compliance", _("Compliance")
