"""Candidate writes take only the file's own fields: anything else is a field error, written nowhere."""

import pytest

from audit.models import AuditEvent
from candidates.models import Candidate
from candidates.services.candidates import candidate_create, candidate_update
from hrsuite.errors import ValidationFailed
from tests.factories import make_candidate

pytestmark = pytest.mark.django_db


def test_creating_a_candidate_with_a_field_that_is_not_theirs_is_refused(recruiter):
    with pytest.raises(ValidationFailed) as refused:
        candidate_create(
            actor=recruiter,
            full_name="Lin Wei",
            email="lin.wei@example.test",
            region="CN",
            time_zone="Asia/Shanghai",
            user_id=1,
        )
    assert refused.value.fields == {"user_id": ["Not a candidate field."]}
    assert not Candidate.objects.exists() and not AuditEvent.objects.exists()


def test_updating_a_candidate_with_a_field_that_is_not_theirs_changes_nothing(recruiter):
    candidate = make_candidate(recruiter, full_name="Lin Wei")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        candidate_update(candidate=candidate, actor=recruiter, full_name="Lin Fang", email_index="x")
    assert refused.value.fields == {"email_index": ["Not a candidate field."]}
    candidate.refresh_from_db()
    assert candidate.full_name == "Lin Wei" and AuditEvent.objects.count() == events
