"""The global permissions each role's group carries. Interviewers and candidates carry none:
their access is per object (assignments) or by ownership, see the apps' `policies.py`."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from hrsuite.roles import Role

_HIRING_MODELS = {
    "candidates": [
        "candidate",
        "position",
        "positionweights",
        "application",
        "stagechange",
        "priorrecord",
        "resumefile",
        "applicationintake",
    ],
    "interviews": [
        "interview",
        "interviewassignment",
        "aiassessment",
        "aidimensionscore",
        "humanreview",
        "scorecard",
        "incident",
        "consent",
        "consentnotice",
        "rescheduleoffer",
        "accommodation",
        # The candidate survey's answers and its results (docs/architecture.md, "Candidate survey").
        "interviewsurvey",
        "surveyresult",
    ],
    "notifications": ["notification"],
    "onboarding": [
        "decision",
        "offer",
        "offerapproval",
        "backgroundcheck",
        "hrtask",
        "provisioningtarget",
        "provisioningdelivery",
        "onboardingplan",
        "onboardingtask",
        "onboardingdocument",
        "candidatemessagetext",
    ],
    # Candidates' privacy requests, the copies answering access requests (their state, never
    # their content: only the candidate downloads theirs), and restrictions of processing.
    "privacy": ["privacyrequest", "accessbundle", "processingrestriction"],
    # Hires' later performance and the validity figures made from it: HR's alone.
    # The impact ratios and bias audits are numbers by category, never a person's answers: HR
    # reads them too (docs/architecture.md, "Fairness"); self-identifications stay compliance's.
    "analytics": ["performancerating", "validityresult", "fairnessresult", "biasaudit"],
}

_RECRUITER_WRITES = {
    "candidates": {
        "candidate": ["add", "change"],
        "position": ["add", "change"],
        "application": ["add", "change"],
        "priorrecord": ["add", "change", "delete"],
        "resumefile": ["add"],
    },
    "interviews": {
        "interview": ["add", "change"],
        "interviewassignment": ["add", "delete"],
        "humanreview": ["add"],
        # Answering a candidate's accommodation request (they ask for it themselves).
        "accommodation": ["change"],
    },
    # Retrying a failed message.
    "notifications": {"notification": ["change"]},
    # Decisions, offers (with their approval steps) and background checks are HR's to make.
    "onboarding": {
        "decision": ["add"],
        "offer": ["add", "change"],
        "offerapproval": ["change"],
        "backgroundcheck": ["add", "change"],
        "hrtask": ["change"],
        # Outside systems' endpoints, and retrying a dead delivery to one.
        "provisioningtarget": ["add", "change"],
        "provisioningdelivery": ["change"],
        # Cancelling a hire's onboarding; HR's onboarding tasks, and the wording of messages to
        # candidates.
        "onboardingplan": ["change"],
        "onboardingtask": ["change"],
        "candidatemessagetext": ["add", "change"],
    },
    # Recording a request received by e-mail, phone or letter, and answering requests.
    "privacy": {"privacyrequest": ["add", "change"]},
    # Entering a hire's rating on their file, or a file of them.
    "analytics": {"performancerating": ["add"]},
}


def _codenames() -> dict[Role, set[tuple[str, str]]]:
    views = {(app, f"view_{model}") for app, models in _HIRING_MODELS.items() for model in models}
    writes = {
        (app, f"{action}_{model}")
        for app, models in _RECRUITER_WRITES.items()
        for model, actions in models.items()
        for action in actions
    }
    return {
        Role.RECRUITER: views | writes,
        # Sees everything, including the audit trail, and changes nothing.
        Role.HR_ADMIN: views | {("audit", "view_auditevent")},
        Role.INTERVIEWER: set(),
        Role.CANDIDATE: set(),
        Role.INTEGRATION: set(),
        # Self-identification, the impact ratios and bias audits, and nothing of the candidate
        # files: no recruiter, HR admin or interviewer reads a self-identification.
        Role.COMPLIANCE: {
            ("analytics", "view_selfidentification"),
            ("analytics", "view_fairnessresult"),
            ("analytics", "view_biasaudit"),
            ("analytics", "add_biasaudit"),
        },
    }


@transaction.atomic
def roles_sync() -> None:
    """Create each role's group and set exactly its permissions (idempotent)."""
    for role, codenames in _codenames().items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in sorted(codenames)
        ]
        group.permissions.set(wanted)
