"""What keeps a candidate's data from AI processing beyond their consent: checks the domain apps
above register (`privacy`: a restriction of processing the candidate asked for). The assessment
service withholds an assessment for it, and scheduling refuses an AI interview."""

from collections.abc import Callable

from hrsuite.errors import Conflict

# Each `(candidate_id) -> reason`: a code for the audit trail and the recruiters' message, or "".
_withholding: list[Callable[[object], str]] = []


def ai_processing_withheld_when(check: Callable[[object], str]) -> None:
    """Register `check`: a candidate it gives a reason for is assessed by a person, not by AI."""
    if check not in _withholding:
        _withholding.append(check)


def ai_processing_withheld(candidate_id) -> str:
    """The first reason a registered check gives for keeping AI from the candidate's data, or ""."""
    for check in _withholding:
        if reason := check(candidate_id):
            return reason
    return ""


# Each `(application, provider) -> (code, message)` or None: a rule of a higher app (`analytics`: a
# recent bias audit of the tool where the position's region asks for one) that keeps an AI
# interview of that tool from being scheduled for that application.
_ai_interview_rules: list[Callable[..., tuple[str, str] | None]] = []


def ai_interview_refused_when(rule: Callable[..., tuple[str, str] | None]) -> None:
    """Register `rule`: scheduling an AI interview it gives a refusal for answers 409 with it."""
    if rule not in _ai_interview_rules:
        _ai_interview_rules.append(rule)


class AIInterviewRefused(Conflict):
    """Scheduling or moving an AI interview refused by a registered rule (409, the rule's code):
    not a clash with a time, so the candidate's link pages do not read it as one."""


def ai_interview_refused(*, application, provider: str) -> tuple[str, str] | None:
    """The first refusal a registered rule gives for an AI interview of `provider`, or None."""
    for rule in _ai_interview_rules:
        if refusal := rule(application=application, provider=provider):
            return refusal
    return None
