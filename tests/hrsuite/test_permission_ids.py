"""The ids of the permissions that grants name are read once per process, and again after a
migrate or a flush, which may make the permissions again under other ids."""

from datetime import timedelta

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from hrsuite.permissions import forget_permission_ids, restrict
from interviews.models import Interview
from interviews.services.assignments import assignment_create
from tests.factories import make_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(recruiter, interviewer):
    """An interview the interviewer is assigned to, and one they are not."""
    made = [make_interview(recruiter, starts_in=timedelta(days=2 + n)) for n in range(2)]
    assignment_create(interview=made[0], interviewer=interviewer, actor=recruiter)
    return made[0]


def _seen(interviewer) -> tuple[set, bool]:
    """What a request's own user object sees of the interviews, and whether it read a
    permission's id for it."""
    user = User.objects.get(pk=interviewer.pk)
    with CaptureQueriesContext(connection) as captured:
        seen = set(restrict(Interview.objects.all(), user=user).values_list("pk", flat=True))
    # The user's own roles and permissions are read too (for `has_perm`), from the same table.
    looked_up = 'SELECT "auth_permission"."id"'
    return seen, any(query["sql"].startswith(looked_up) for query in captured.captured_queries)


def test_a_permission_id_is_read_by_the_first_request_only(interviewer, assigned):
    forget_permission_ids()
    assert _seen(interviewer) == ({assigned.pk}, True)
    assert _seen(interviewer) == ({assigned.pk}, False)


def test_a_migrate_makes_them_read_again(interviewer, assigned):
    _seen(interviewer)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert _seen(interviewer) == ({assigned.pk}, True)
