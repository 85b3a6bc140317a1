"""What keeps a candidate's data from AI processing beyond their consent: checks the domain apps
above register (`privacy`: a restriction of processing the candidate asked for). The assessment
service withholds an assessment for it, and scheduling refuses an AI interview."""

from collections.abc import Callable

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
