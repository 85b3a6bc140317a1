"""A candidate search is audited without the personal data searched for."""

import pytest

from audit.models import AuditEvent
from candidates.services.candidates import email_index
from tests.factories import make_candidate


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/candidates/"])
def test_searched_email_and_name_stay_out_of_the_audit_trail(client, recruiter, path):
    """The API's; the HR list's search box is in tests/backoffice/test_candidate_search.py."""
    candidate = make_candidate(recruiter, email="wang.fang@example.cn")
    client.force_login(recruiter)
    assert client.get(path, {"email": "Wang.Fang@example.cn"}).status_code == 200
    event = AuditEvent.objects.filter(action="list", target_type="candidates.candidate").latest("id")
    assert event.target_ids == [str(candidate.pk)]
    assert event.detail["query"]["email"] == f"blind-index:{email_index('wang.fang@example.cn')}"
    assert "wang" not in str(event.detail).lower()

    assert client.get(path, {"q": "Wang"}).status_code == 200
    event = AuditEvent.objects.filter(action="list", target_type="candidates.candidate").latest("id")
    assert event.detail["query"]["q"] == "[name search]"
