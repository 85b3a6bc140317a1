"""Data migrations of the interviews app, run on rows written before them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from interviews.models import Interview, WorkspaceGroup
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


@pytest.mark.django_db(transaction=True)
def test_assessments_reviewed_before_get_the_time_of_their_first_review(recruiter):
    before, after = (
        ("interviews", "0012_assignment_interview_copies"),
        ("interviews", "0013_assessment_first_reviewed"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        assessment, review, dimension = (
            old.get_model("interviews", name) for name in ("AIAssessment", "HumanReview", "AIDimensionScore")
        )
        received = timezone.now() - timedelta(days=3)
        reviewed, waiting = (
            assessment.objects.create(
                interview_id=make_interview(recruiter).pk,
                overall_score=60,
                overall_confidence="0.3",
                model_version="m1",
                transcript_quality="0.9",
                needs_human_review=True,
                received_at=received,
            )
            for _ in range(2)
        )
        scores = [
            dimension.objects.create(assessment=a, dimension=name, score=50, confidence="0.3")
            for a, name in ((reviewed, "communication"), (reviewed, "depth"), (waiting, "communication"))
        ]
        for hours, score in ((5, scores[1]), (2, scores[0])):
            made = review.objects.create(dimension_score=score, reviewer_id=recruiter.pk, outcome="confirm")
            review.objects.filter(pk=made.pk).update(created_at=received + timedelta(hours=hours))

        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps.get_model("interviews", "AIAssessment")
        assert new.objects.get(pk=reviewed.pk).first_reviewed_at == received + timedelta(hours=2)
        assert new.objects.get(pk=waiting.pk).first_reviewed_at is None
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_assignments_are_placed_in_their_interviewers_workspace(recruiter, interviewer):
    before, after = (
        ("interviews", "0017_assignment_booking_overlap"),
        ("interviews", "0018_assignment_workspace_place"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        assignment, scorecard = (
            old.get_model("interviews", name) for name in ("InterviewAssignment", "Scorecard")
        )
        rows = {}
        for name, status, days in [
            ("awaiting", "completed", -1),
            ("done", "completed", -2),
            ("upcoming", "scheduled", 3),
            ("cancelled", "cancelled", 4),
        ]:
            interview = make_interview(recruiter, starts_in=timedelta(days=days))
            rows[name] = interview
            assignment.objects.create(
                interview_id=interview.pk,
                interviewer_id=interviewer.pk,
                interview_status=status,
                interview_starts_at=interview.starts_at,
                interview_ends_at=interview.starts_at + timedelta(minutes=45),
            )
        # A submitted scorecard makes the held interview done; a draft leaves it awaiting.
        scorecard.objects.create(
            interview_id=rows["done"].pk, interviewer_id=interviewer.pk, status="submitted"
        )
        scorecard.objects.create(
            interview_id=rows["awaiting"].pk, interviewer_id=interviewer.pk, status="draft"
        )

        executor = MigrationExecutor(connection)
        executor.migrate([after])
        placed = executor.loader.project_state([after]).apps.get_model("interviews", "InterviewAssignment")
        places = {a.interview_id: (a.workspace_group, a.workspace_ahead_at) for a in placed.objects.all()}
        assert places == {
            rows["awaiting"].pk: (WorkspaceGroup.AWAITING, rows["awaiting"].starts_at),
            rows["done"].pk: (WorkspaceGroup.DONE, None),
            rows["upcoming"].pk: (WorkspaceGroup.UPCOMING, rows["upcoming"].starts_at),
            rows["cancelled"].pk: (WorkspaceGroup.DONE, None),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
