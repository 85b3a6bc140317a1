"""Data migrations of the interviews app, run on rows written before them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from interviews.models import Interview
from tests.factories import make_interview

BEFORE = ("interviews", "0011_agenda_index")
AFTER = ("interviews", "0012_assignment_interview_copies")


@pytest.mark.django_db(transaction=True)
def test_existing_assignments_get_their_interviews_status_and_start(recruiter, interviewer):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old_assignment = executor.loader.project_state([BEFORE]).apps.get_model(
            "interviews", "InterviewAssignment"
        )
        held = make_interview(recruiter, starts_in=-timedelta(days=1))
        Interview.objects.filter(pk=held.pk).update(status=Interview.Status.COMPLETED)
        ahead = make_interview(recruiter, starts_in=timedelta(days=3))
        for interview in (held, ahead):
            old_assignment.objects.create(interview_id=interview.pk, interviewer_id=interviewer.pk)

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new_assignment = executor.loader.project_state([AFTER]).apps.get_model(
            "interviews", "InterviewAssignment"
        )
        copies = {
            a.interview_id: (a.interview_status, a.interview_starts_at) for a in new_assignment.objects.all()
        }
        assert copies == {
            held.pk: (Interview.Status.COMPLETED, held.starts_at),
            ahead.pk: (Interview.Status.SCHEDULED, ahead.starts_at),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
