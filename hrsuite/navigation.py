"""The menu of signed-in pages: each role sees the sections it may open, nothing else."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrsuite.permissions import roles_of
from hrsuite.roles import Role

# (label, URL name, roles that see it), in menu order.
SECTIONS = [
    (_("Dashboard"), "hr-dashboard", {Role.RECRUITER, Role.HR_ADMIN}),
    (_("Candidates"), "hr-candidates", {Role.RECRUITER, Role.HR_ADMIN}),
    (_("Positions"), "hr-positions", {Role.RECRUITER, Role.HR_ADMIN}),
    (_("Privacy requests"), "hr-privacy-requests", {Role.RECRUITER, Role.HR_ADMIN}),
    (_("Analytics"), "hr-analytics", {Role.RECRUITER, Role.HR_ADMIN}),
    (_("Audit trail"), "hr-audit", {Role.HR_ADMIN}),
    (_("Fairness"), "hr-fairness", {Role.COMPLIANCE, Role.RECRUITER, Role.HR_ADMIN}),
    (_("My interviews"), "workspace-home", {Role.INTERVIEWER}),
    (_("My applications"), "portal-home", {Role.CANDIDATE}),
]


def home_for(user) -> str:
    """Where a user lands after signing in: the first section of their menu, else the start page."""
    entries = sections_for(user)
    return entries[0]["url"] if entries else reverse("home")


def sections_for(user) -> list[dict]:
    roles = roles_of(user)
    entries = []
    for label, name, who in SECTIONS:
        if not {role.value for role in who} & roles:
            continue
        entries.append({"label": label, "url": reverse(name), "name": name})
    return entries


def account_label(user) -> str:
    """How the header names the signed-in user: their name, or for a candidate (whose account
    keeps no copy of their name: it is encrypted on their record) "My account"."""
    if name := user.get_full_name():
        return name
    return str(_("My account")) if Role.CANDIDATE.value in roles_of(user) else user.get_username()


def menu(request) -> dict:
    """Template context: `menu`, the signed-in user's sections, with the one being shown marked,
    and `account_label`, how the header names them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "account_label": ""}
    entries = sections_for(user)
    # The section whose address is the longest start of this page's: /hr/candidates/… is under
    # Candidates, not under the dashboard at /hr/.
    containing = [entry for entry in entries if request.path.startswith(entry["url"])]
    if containing:
        max(containing, key=lambda entry: len(entry["url"]))["current"] = True
    return {"menu": entries, "account_label": account_label(user)}
