"""Bulk actions on applications selected on HR's candidate list: each kind through its own service,
each application on its own (a refusal undoes none of the others), one confirmation before
anything is done, a cap on the selection, recruiters only."""

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from candidates.models import Application, Stage
from hrsuite.errors import Forbidden, ValidationFailed
from hrsuite.roles import Role
from interviews.models import InterviewAssignment
from notifications.models import Notification
from onboarding.models import Decision
from onboarding.services.bulk import BULK_AT_MOST, applications_bulk
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_hire,
    make_position,
    make_user,
)
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LIST = reverse("hr-candidates")
BULK = reverse("hr-candidates-bulk")


@pytest.fixture
def clock():
    yield from frozen_clock()


def _outcomes(outcomes) -> dict:
    return {outcome.application.pk: (outcome.done, outcome.why) for outcome in outcomes}


def test_rejecting_in_bulk_is_a_decision_each_with_the_message_after_the_positions_delay(recruiter):
    position = make_position(recruiter, rejection_notice_hours=48)
    applied = make_application(recruiter, position=position)
    deciding = application_awaiting_decision(recruiter, position=position)
    offered = make_hire(recruiter, application=application_awaiting_decision(recruiter, position=position))
    offered = offered.application

    outcomes = _outcomes(
        applications_bulk(
            action="reject",
            application_ids=[applied.pk, deciding.pk, offered.pk],
            actor=recruiter,
            reason="Another candidate fits better.",
        )
    )

    assert outcomes[applied.pk] == (True, "") and outcomes[deciding.pk] == (True, "")
    assert outcomes[offered.pk][0] is False and "offer" in outcomes[offered.pk][1]
    stages = dict(Application.objects.values_list("pk", "stage"))
    assert (stages[applied.pk], stages[deciding.pk], stages[offered.pk]) == (
        Stage.REJECTED,
        Stage.REJECTED,
        Stage.OFFER,
    )
    for application in (applied, deciding):
        decision = Decision.objects.get(application=application, outcome="reject")
        assert decision.reason == "Another candidate fits better." and decision.decided_by == recruiter
        message = Notification.objects.get(
            template="application_rejected", payload__application=str(application.pk)
        )
        assert abs(message.due_at - decision.decided_at - datetime.timedelta(hours=48)) < datetime.timedelta(
            minutes=1
        )
    # Each is audited on its own, and no event holds the reason.
    decisions = AuditEvent.objects.filter(action=AuditAction.DECISION, target_type="onboarding.decision")
    assert decisions.filter(detail__outcome="reject").count() == 2
    assert not AuditEvent.objects.filter(detail__icontains="fits better").exists()


@pytest.mark.django_db(transaction=True)
def test_advancing_in_bulk_moves_each_one_stage_and_refuses_what_only_a_decision_moves(recruiter):
    applied, screening = make_application(recruiter), make_application(recruiter)
    applications_bulk(action="advance", application_ids=[screening.pk], actor=recruiter)
    deciding = application_awaiting_decision(recruiter)

    outcomes = _outcomes(
        applications_bulk(
            action="advance", application_ids=[applied.pk, screening.pk, deciding.pk], actor=recruiter
        )
    )

    assert outcomes[applied.pk] == (True, "") and outcomes[screening.pk] == (True, "")
    assert outcomes[deciding.pk] == (False, "No stage follows “Awaiting decision” without a decision.")
    stages = dict(Application.objects.values_list("pk", "stage"))
    assert (stages[applied.pk], stages[screening.pk], stages[deciding.pk]) == (
        Stage.SCREENING,
        Stage.INTERVIEWING,
        Stage.DECISION,
    )
    # Committed each by itself: the refusal left the two moves in place.
    moves = AuditEvent.objects.filter(
        target_type="candidates.application",
        target_id__in=[str(applied.pk), str(screening.pk)],
        detail__event__in=["screen", "interview"],
    )
    assert moves.count() == 3


def test_assigning_in_bulk_takes_each_applications_next_interview_or_refuses_clearly(recruiter, interviewer):
    scheduled = make_application(recruiter)
    later = schedule(recruiter, application=scheduled, starts_at=shanghai(2027, 3, 9, 10, 0))
    sooner = schedule(recruiter, application=scheduled, starts_at=shanghai(2027, 3, 2, 10, 0))
    none_scheduled = make_application(recruiter)

    outcomes = _outcomes(
        applications_bulk(
            action="assign",
            application_ids=[scheduled.pk, none_scheduled.pk],
            actor=recruiter,
            interviewer=interviewer.pk,
        )
    )

    assert outcomes[scheduled.pk] == (True, "")
    assert outcomes[none_scheduled.pk] == (
        False,
        "No interview is scheduled for this application: schedule one first.",
    )
    assigned = InterviewAssignment.objects.filter(interviewer=interviewer)
    assert [a.interview_id for a in assigned] == [sooner.pk] and later.pk != sooner.pk
    # Again: the service's own refusal, with its reason.
    again = _outcomes(
        applications_bulk(
            action="assign", application_ids=[scheduled.pk], actor=recruiter, interviewer=interviewer.pk
        )
    )
    assert again[scheduled.pk] == (False, "The interviewer is assigned already.")


def test_inviting_in_bulk_invites_each_candidate_once(recruiter):
    first = make_application(recruiter)
    same_candidate = make_application(recruiter, candidate=first.candidate)
    other = make_application(recruiter)

    outcomes = _outcomes(
        applications_bulk(
            action="invite", application_ids=[first.pk, same_candidate.pk, other.pk], actor=recruiter
        )
    )

    # The clock stands still: which of the candidate's two comes first is their ids' order.
    assert outcomes[other.pk] == (True, "")
    theirs = sorted([outcomes[first.pk], outcomes[same_candidate.pk]])
    assert theirs == [
        (False, "The candidate is invited already, with another selected application."),
        (True, ""),
    ]
    invitations = Notification.objects.filter(template="portal_invitation")
    assert sorted(n.candidate_id for n in invitations) == sorted([first.candidate_id, other.candidate_id])


def test_the_request_as_a_whole_is_checked_first_naming_the_field(recruiter, interviewer):
    application = make_application(recruiter)
    cases = [
        ({"action": "promote", "application_ids": [application.pk]}, "action"),
        ({"action": "advance", "application_ids": []}, "applications"),
        ({"action": "advance", "application_ids": ["not-an-id"]}, "applications"),
        ({"action": "reject", "application_ids": [application.pk], "reason": "  "}, "reason"),
        ({"action": "assign", "application_ids": [application.pk]}, "interviewer"),
        (
            {"action": "assign", "application_ids": [application.pk], "interviewer": recruiter.pk},
            "interviewer",
        ),
    ]
    for params, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            applications_bulk(actor=recruiter, **params)
        assert list(refused.value.fields) == [field], params
    assert Application.objects.get(pk=application.pk).stage == Stage.APPLIED


def test_the_selection_is_capped(recruiter):
    position = make_position(recruiter)
    applications = [make_application(recruiter, position=position) for _ in range(3)]
    ids = [a.pk for a in applications] + [
        f"00000000-0000-0000-0000-{n:012d}" for n in range(BULK_AT_MOST - 2)
    ]
    with pytest.raises(ValidationFailed) as refused:
        applications_bulk(action="advance", application_ids=ids, actor=recruiter)
    assert list(refused.value.fields) == ["applications"]
    assert refused.value.fields["applications"] == [f"Select at most {BULK_AT_MOST} applications at once."]
    assert set(Application.objects.values_list("stage", flat=True)) == {Stage.APPLIED}
    # At the cap, the ids no one has are left out and the others done.
    outcomes = applications_bulk(action="advance", application_ids=ids[:BULK_AT_MOST], actor=recruiter)
    assert [o.done for o in outcomes] == [True, True, True]


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.INTERVIEWER, Role.CANDIDATE])
def test_only_recruiters_act_in_bulk(client, recruiter, role):
    application = make_application(recruiter)
    someone = make_user(role)
    with pytest.raises(Forbidden):
        applications_bulk(action="advance", application_ids=[application.pk], actor=someone)
    client.force_login(someone)
    for step in ("review", "confirm"):
        response = client.post(BULK, {"step": step, "action": "advance", "application": [application.pk]})
        assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).stage == Stage.APPLIED


def _selection_form(page: str) -> str:
    return page[page.index('id="bulk"') : page.index("</form>", page.index('id="bulk"'))]


def test_from_the_list_a_confirmation_then_each_result_with_why(client, recruiter):
    position = make_position(recruiter)
    applied = make_application(recruiter, position=position)
    offered = make_hire(recruiter, application=application_awaiting_decision(recruiter, position=position))
    offered = offered.application
    client.force_login(recruiter)
    page = client.get(LIST, {"position": position.pk}).text
    form = _selection_form(page)
    assert f'name="application" value="{applied.pk}"' in form and f'value="{offered.pk}"' in form
    assert f'name="back" value="position={position.pk}"' in form
    selection = {"action": "reject", "reason": "Filled internally.", "back": f"position={position.pk}"}

    review = client.post(BULK, {**selection, "step": "review", "application": [applied.pk, offered.pk]})

    assert review.status_code == 200
    assert "Reject: 2 applications" in review.text and "Confirm for 2 applications" in review.text
    assert applied.candidate.full_name in review.text and "Filled internally." in review.text
    assert not Decision.objects.filter(outcome="reject").exists()

    done = client.post(BULK, {**selection, "step": "confirm", "application": [applied.pk, offered.pk]})

    assert done.status_code == 302 and re.fullmatch(r"/hr/candidates/bulk/[\w-]+/", done.url)
    result = client.get(done.url).text
    assert "1 done, 1 refused." in result
    refused_part = result[result.index('id="refused-title"') : result.index('id="done-title"')]
    assert offered.candidate.full_name in refused_part and "offer" in refused_part
    assert f'href="{LIST}?position={position.pk}"' in result
    assert Application.objects.get(pk=applied.pk).stage == Stage.REJECTED
    # The result is the runner's own: another session is sent back to the list.
    client.logout()
    client.force_login(recruiter)
    assert client.get(done.url).url == LIST


def test_a_refused_request_says_why_and_does_nothing(client, recruiter):
    application = make_application(recruiter)
    client.force_login(recruiter)
    response = client.post(
        BULK, {"step": "review", "action": "reject", "reason": "", "application": [application.pk]}
    )
    assert response.status_code == 400 and "Give the reason" in response.text
    response = client.post(BULK, {"step": "confirm", "action": "advance"})
    assert response.status_code == 400 and "Select at least one application." in response.text
    assert Application.objects.get(pk=application.pk).stage == Stage.APPLIED


def test_hr_admins_read_the_list_without_the_selection(client, recruiter, hr_admin):
    make_application(recruiter)
    client.force_login(hr_admin)
    page = client.get(LIST).text
    assert 'id="bulk"' not in page and 'name="application"' not in page
