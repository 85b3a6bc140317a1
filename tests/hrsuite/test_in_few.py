"""`pk__in_few`, the grants filter of `restrict()`: the same rows however it is written, as an
array on its own and as a plain IN beside keys that name the rows (see `hrsuite.models.InFew`)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext

from hrsuite.models import InFew
from hrsuite.permissions import restrict
from interviews.models import Interview
from interviews.services.assignments import assignment_create
from tests.conftest import ON_POSTGRES
from tests.factories import make_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def interviews(recruiter, interviewer):
    """Three interviews; the interviewer is assigned to the first two."""
    # A day apart: an interviewer cannot be booked twice at once.
    made = [make_interview(recruiter, starts_in=timedelta(days=2 + n)) for n in range(3)]
    for interview in made[:2]:
        assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
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


def _written_as_in(queryset) -> bool:
    """Whether the one `in_few` lookup of a queryset's (or a subquery's) own conditions is written
    as a plain IN on PostgreSQL."""
    lookups, nodes = [], [queryset.query.where]
    while nodes:
        node = nodes.pop()
        for child in node.children:
            if isinstance(child, InFew):
                lookups.append(child)
            elif hasattr(child, "children"):
                nodes.append(child)
    (lookup,) = lookups
    return lookup._beside_listed_keys(queryset.query.where)


def test_only_keys_every_row_must_match_on_the_same_column_make_it_a_plain_in():
    key = uuid.uuid4()
    grants = Interview.objects.filter(pk__in_few=Interview.objects.values("pk"))
    assert _written_as_in(grants.filter(pk=key))
    assert _written_as_in(grants.filter(pk__in=[key]))
    assert not _written_as_in(grants)
    assert not _written_as_in(grants.exclude(pk=key))
    assert not _written_as_in(grants.filter(Q(pk=key) | Q(kind="phone")))
    assert not _written_as_in(grants.filter(application=key))
    assert not _written_as_in(grants.filter(pk=OuterRef("pk")))
    # Inside a subquery it is that query's keys that count.
    outer = Interview.objects.filter(pk=key, application__in=Subquery(grants.values("application")))
    (inner,) = [condition.rhs for condition in outer.query.where.children if condition.lookup_name == "in"]
    assert not _written_as_in(inner)
