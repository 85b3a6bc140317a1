"""An interview's recording opened for one viewing: a link the provider adapter issues, recorded
as a share of the candidate's data (docs/architecture.md, "Recordings")."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.errors import NotFound
from hrsuite.permissions import has_role, restrict
from hrsuite.roles import Role
from interviews import providers
from interviews.models import Interview

# Who may watch a recording: HR, and the interviewers assigned to the interview (`restrict()`
# gives an interviewer only those). Never the candidate, nor anyone through a link.
_VIEWERS = (Role.RECRUITER, Role.HR_ADMIN, Role.INTERVIEWER)


def recording_share(*, interview_id, actor) -> str:
    """A link to the interview's recording and transcript on the provider, working for
    HRSUITE_RECORDING_LINK_SECONDS, and its share in the audit trail under the candidate (who
    finds it in their access copy). The link is issued for this viewing and kept nowhere.
    NotFound for anyone else, and for an interview with no recording."""
    refused = NotFound(gettext("No recording of this interview is available to you."))
    if not any(has_role(actor, role) for role in _VIEWERS):
        raise refused
    interview = (
        restrict(Interview.objects.select_related("application"), user=actor, action="view")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None or not interview.has_recording:
        raise refused
    expires_at = timezone.now() + timedelta(seconds=settings.HRSUITE_RECORDING_LINK_SECONDS)
    link = providers.get(interview.provider).recording_link(
        meeting_id=interview.provider_meeting_id, expires_at=expires_at
    )
    audit_record(
        actor=actor,
        action=AuditAction.SHARE,
        target=interview,
        detail={"shared": "recording", "provider": interview.provider, "until": expires_at.isoformat()},
    )
    return link
