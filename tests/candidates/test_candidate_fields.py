"""Candidate writes take only the file's own fields: anything else is a field error, written nowhere."""

import datetime

import pytest

from audit.models import AuditEvent
from candidates.models import Candidate, PriorRecord
from candidates.services.candidates import candidate_create, candidate_update
from candidates.services.prior_records import prior_record_create
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


def test_a_prior_records_title_and_rating_keep_to_their_length(recruiter):
    candidate = make_candidate(recruiter)
    with pytest.raises(ValidationFailed) as refused:
        prior_record_create(
            candidate=candidate,
            actor=recruiter,
            kind="training",
            title="t" * 201,
            period_start=datetime.date(2024, 1, 1),
            rating="r" * 41,
        )
    assert refused.value.fields == {
        "title": ["At most 200 characters."],
        "rating": ["At most 40 characters."],
    }
    assert not PriorRecord.objects.exists()
    record = prior_record_create(
        candidate=candidate,
        actor=recruiter,
        kind="training",
        title="t" * 200,
        period_start=datetime.date(2024, 1, 1),
        rating="r" * 40,
    )
    assert (PriorRecord.objects.get(pk=record.pk).title, record.rating) == ("t" * 200, "r" * 40)
