"""An assignment's workspace group is kept on its row (`interviews.models.workspace_place`), so the
two writes that move it, the interview's end and the interviewer's submitted scorecard, must not
miss each other when they commit at the same moment."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from interviews.models import InterviewAssignment, WorkspaceGroup
from interviews.services.feedback import interview_ended
from interviews.services.scheduling import interview_transition
from interviews.services.scorecards import scorecard_save, scorecard_submit
from tests.workspace.test_workspace import PROVIDER, assigned

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _on_own_connection(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_scorecard_submitted_while_the_interview_ends_leaves_it_done(recruiter, interviewer):
    interview = assigned(recruiter, interviewer, starts_in=-timedelta(minutes=50))
    with transaction.atomic():
        interview_transition(interview=interview, event="started", actor=PROVIDER)
    card = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 3},
        recommendation="yes",
        actor=interviewer,
    )
    ended, release, errors = threading.Event(), threading.Event(), []

    def end():
        with transaction.atomic():
            interview_ended(interview=interview, ended_at=timezone.now(), actor=PROVIDER)
            ended.set()
            release.wait(timeout=30)

    ending = _on_own_connection(end, errors)
    assert ended.wait(timeout=30)
    submitting = _on_own_connection(lambda: scorecard_submit(scorecard=card, actor=interviewer), errors)
    # Unguarded, the submission commits now, before the end it cannot see yet.
    submitting.join(timeout=1.0)
    release.set()
    ending.join(timeout=30)
    submitting.join(timeout=30)

    assert not errors
    assignment = InterviewAssignment.objects.get(interview=interview, interviewer=interviewer)
    assert assignment.workspace_group == WorkspaceGroup.DONE
