"""An audit event keeps a candidate's personal values sealed under their key: readable by HR until
the candidate is erased, "erased" after, and the chain verifies either way."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from audit.personal import personal_opened
from audit.services import audit_verify
from candidates.services.portal_accounts import candidate_portal_invite
from hrsuite import crypto, persons
from interviews.services.scheduling import interview_cancel
from tests.factories import make_candidate, make_interview

REASON = "Candidate said the Marlowe Street office is too far from her daughter's school"


@pytest.fixture
def cancelled(recruiter):
    interview = make_interview(recruiter)
    interview_cancel(interview=interview, reason=REASON, actor=recruiter)
    event = AuditEvent.objects.filter(target_id=str(interview.pk), detail__event="cancel").get()
    return interview.application.candidate, event


def _raw_personal(event) -> str:
    return AuditEvent.objects.values_list("personal", flat=True).get(pk=event.pk)


def _api_row(api, hr_admin, event) -> dict:
    return api.as_user(hr_admin).get(reverse("audit-event-detail", args=[event.pk])).json()


def _csv_rows(client, hr_admin, candidate) -> list[dict]:
    client.force_login(hr_admin)
    response = client.get(reverse("hr-audit-export"), {"candidate": str(candidate.pk)})
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_reason_given_is_kept_sealed_under_the_candidates_key(cancelled):
    candidate, event = cancelled

    assert "reason" not in event.detail and REASON not in str(event.detail)
    token = _raw_personal(event)
    assert crypto.person_of(token) == candidate.pk.hex and "Marlowe" not in token


def test_hr_reads_the_reason_in_the_api_the_export_and_the_trail_page(api, client, hr_admin, cancelled):
    candidate, event = cancelled

    assert _api_row(api, hr_admin, event)["personal"] == {"reason": REASON}
    row = next(row for row in _csv_rows(client, hr_admin, candidate) if row["target_id"] == event.target_id)
    assert json.loads(row["personal"]) == {"reason": REASON}
    page = client.get(reverse("hr-audit"), {"candidate": str(candidate.pk)})
    assert "Marlowe Street" in page.content.decode()


def test_once_the_candidate_is_erased_the_values_read_as_erased_and_the_chain_holds(
    api, client, hr_admin, cancelled
):
    candidate, event = cancelled
    before = _raw_personal(event)

    persons.person_key_destroy(candidate.pk)
    persons.forget()

    assert _raw_personal(event) == before  # the trail itself is never rewritten
    assert _api_row(api, hr_admin, event)["personal"] == "erased"
    row = next(row for row in _csv_rows(client, hr_admin, candidate) if row["target_id"] == event.target_id)
    assert row["personal"] == "erased"
    page = client.get(reverse("hr-audit"), {"candidate": str(candidate.pk)}).content.decode()
    assert "Marlowe" not in page and "erased" in page
    checked, broken = audit_verify()
    assert broken is None and checked >= 1
    call_command("audit_verify", stdout=io.StringIO())


def test_a_candidates_own_address_and_browser_are_sealed_a_recruiters_are_not(client, recruiter):
    candidate = make_candidate(recruiter)
    candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()
    client.force_login(candidate.user)

    client.get(
        reverse("portal-home"),
        HTTP_USER_AGENT="Mozilla/5.0 (Fernhill phone)",
        HTTP_X_REQUEST_ID="portal-visit-1",
        REMOTE_ADDR="203.0.113.9",
    )

    own = list(AuditEvent.objects.filter(request_id="portal-visit-1"))
    assert own and {event.actor_id for event in own} == {candidate.user.pk}
    for event in own:
        assert event.ip is None and event.user_agent == ""
        assert event.candidate_id == candidate.pk
        assert crypto.person_of(event.personal) == candidate.pk.hex
    opened = personal_opened(own)
    assert {opened[e.pk]["ip"] for e in own} == {"203.0.113.9"}
    assert {opened[e.pk]["user_agent"] for e in own} == {"Mozilla/5.0 (Fernhill phone)"}

    client.force_login(recruiter)
    client.get(
        reverse("hr-candidates"),
        HTTP_USER_AGENT="Recruiter desk",
        HTTP_X_REQUEST_ID="hr-visit-1",
        REMOTE_ADDR="198.51.100.7",
    )
    staff = AuditEvent.objects.filter(request_id="hr-visit-1").first()
    assert staff.ip == "198.51.100.7" and staff.user_agent == "Recruiter desk" and staff.personal == ""
