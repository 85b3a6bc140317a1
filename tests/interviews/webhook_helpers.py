"""Signed simulated-provider webhooks for the tests: interviews with a meeting, and deliveries."""

from django.urls import reverse

from candidates.services.candidates import candidate_portal_link
from hrsuite import signing
from hrsuite.roles import Role
from interviews.models import Interview
from interviews.providers.simulated import event_body
from interviews.services import consent as consent_services
from tests.factories import make_interview, make_user

URL = reverse("provider-webhook", args=["simulated"])


def interview_with_meeting(actor, **kwargs) -> Interview:
    """An interview whose simulated meeting exists (interview_create makes it for video kinds)."""
    interview = make_interview(actor, **kwargs)
    assert interview.provider_meeting_id
    return interview


def candidate_portal_user(recruiter, interview, *, username=None):
    candidate = interview.application.candidate
    user = make_user(Role.CANDIDATE, username=username or f"portal-{candidate.pk.hex[:8]}")
    candidate_portal_link(candidate=candidate, user=user, actor=recruiter)
    return user


def consent_given(recruiter, interview, scopes=("general", "biometric")):
    """The candidate gives consent through their portal account."""
    user = candidate_portal_user(recruiter, interview)
    notice = consent_services.default_notices_publish()[0]
    for scope in scopes:
        consent_services.consent_record(
            interview=interview, scope=scope, decision="given", notice_version=notice.version, actor=user
        )
    return user


def body_for(interview, event_type, **kwargs) -> bytes:
    return event_body(meeting_id=interview.provider_meeting_id, event_type=event_type, **kwargs)


def deliver(client, body: bytes, *, headers=None, timestamp=None):
    """POST `body` signed with the simulated provider's secret (or with `headers` as given)."""
    if headers is None:
        headers = signing.signed_headers("simulated", body, timestamp=timestamp)
    return client.post(URL, data=body, content_type="application/json", headers=headers)
