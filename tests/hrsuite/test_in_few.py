"""`pk__in_few`, the grants filter of `restrict()`: the same rows however it is written, as an
array on its own and as a plain IN beside keys that name the rows (see `hrsuite.models.InFew`)."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from hrsuite.permissions import restrict
from interviews import services as interview_services
from interviews.models import Interview
from tests.conftest import ON_POSTGRES
from tests.factories import make_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def interviews(recruiter, interviewer):
    """Three interviews; the interviewer is assigned to the first two."""
    made = [make_interview(recruiter) for _ in range(3)]
    for interview in made[:2]:
        interview_services.assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    return made


def _read(queryset) -> tuple[set, str]:
    with CaptureQueriesContext(connection) as captured:
        rows = {interview.pk for interview in queryset}
    return rows, captured.captured_queries[-1]["sql"]


def test_a_list_of_keys_gives_only_the_granted_ones(interviewer, interviews):
    granted, _, ungranted = interviews
    rows, sql = _read(
        restrict(Interview.objects.all(), user=interviewer).filter(pk__in=[granted.pk, ungranted.pk])
    )
    assert rows == {granted.pk}
    if ON_POSTGRES:
        assert "ANY(ARRAY" not in sql and "IN (SELECT" in sql


def test_one_key_gives_its_row_only_when_granted(interviewer, interviews):
    granted, _, ungranted = interviews
    mine = restrict(Interview.objects.all(), user=interviewer)
    assert _read(mine.filter(pk=granted.pk))[0] == {granted.pk}
    rows, sql = _read(mine.filter(pk=ungranted.pk))
    assert rows == set()
    if ON_POSTGRES:
        assert "ANY(ARRAY" not in sql


def test_without_keys_the_grants_are_read_as_an_array(interviewer, interviews):
    rows, sql = _read(restrict(Interview.objects.all(), user=interviewer))
    assert rows == {interviews[0].pk, interviews[1].pk}
    if ON_POSTGRES:
        assert "ANY(ARRAY" in sql


def test_keys_that_only_some_rows_must_match_keep_the_array(interviewer, interviews):
    """Keys in one branch of an OR name no row for certain: the array stays."""
    _, other, ungranted = interviews
    either = Q(pk__in=[ungranted.pk]) | Q(application=other.application)
    rows, sql = _read(restrict(Interview.objects.all(), user=interviewer).filter(either))
    assert rows == {other.pk}
    if ON_POSTGRES:
        assert "ANY(ARRAY" in sql


def test_keys_of_another_column_keep_the_array(interviewer, interviews):
    granted, _, ungranted = interviews
    applications = [granted.application_id, ungranted.application_id]
    rows, sql = _read(
        restrict(Interview.objects.all(), user=interviewer).filter(application__in=applications)
    )
    assert rows == {granted.pk}
    if ON_POSTGRES:
        assert "ANY(ARRAY" in sql
