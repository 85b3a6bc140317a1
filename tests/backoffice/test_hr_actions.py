"""The recruiter's actions from the candidate file, through the page: each one's happy path, a
refusal that names its field (shown again with the values entered, 400) or a clear 409, and
nothing saved on a refusal. HR admins' POSTs are refused (403) without changing anything."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from candidates.models import Application, Stage
from hrsuite.roles import Role
from interviews.models import HumanReview, Interview, InterviewAssignment
from interviews.services.reviews import human_review_create
from notifications.models import Notification
from onboarding.models import Decision, Offer
from tests.backoffice.hr_helpers import file_url, full_file
from tests.factories import (
    application_awaiting_decision,
    assessment_payload,
    make_application,
    make_candidate,
    make_hire,
    make_user,
    receive_assessment,
)
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
# The clock stands at Monday 1 March 2027, 00:00 UTC (08:00 in Shanghai).
TUESDAY_10_SHANGHAI_IN_BERLIN = "2027-03-02T03:00"
SATURDAY_10_SHANGHAI_IN_BERLIN = "2027-03-06T03:00"


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def berlin_recruiter(recruiter):
    recruiter.time_zone = "Europe/Berlin"
    recruiter.save(update_fields=["time_zone"])
    return recruiter


@pytest.fixture
def signed_in(client, berlin_recruiter):
    client.force_login(berlin_recruiter)
    return client


def _post(client, candidate, **data):
    return client.post(file_url(candidate), data)


def _followed(client, response) -> str:
    assert response.status_code == 302, response.content[:2000]
    return client.get(response.url).text


# --- Scheduling ----------------------------------------------------------------------------------


def test_schedule_reads_the_time_in_the_recruiters_zone_and_stores_it_in_utc(
    signed_in, berlin_recruiter, interviewer
):
    application = make_application(berlin_recruiter)
    candidate = application.candidate
    response = _post(
        signed_in,
        candidate,
        action="schedule",
        application=application.pk,
        kind="live_video",
        starts_at=TUESDAY_10_SHANGHAI_IN_BERLIN,
        zone="viewer",
        duration_minutes="60",
        interviewers=[interviewer.pk],
    )
    interview = Interview.objects.get()
    assert response.url == f"{file_url(candidate)}#interview-{interview.pk}"
    assert interview.starts_at == shanghai(2027, 3, 2, 10, 0)
    assert interview.duration_minutes == 60 and interview.kind == "live_video"
    assert list(interview.assignments.values_list("interviewer", flat=True)) == [interviewer.pk]
    assert Notification.objects.filter(interview=interview, template="invitation").count() == 2
    page = _followed(signed_in, response)
    assert "Interview scheduled for 2027-03-02 03:00 (Europe/Berlin)." in page


def test_schedule_can_take_the_time_in_the_candidates_zone(signed_in, berlin_recruiter):
    application = make_application(berlin_recruiter)
    _post(
        signed_in,
        application.candidate,
        action="schedule",
        application=application.pk,
        kind="ai_video",
        starts_at="2027-03-02T10:00",
        zone="candidate",
        duration_minutes="45",
    )
    assert Interview.objects.get().starts_at == shanghai(2027, 3, 2, 10, 0)


def test_a_weekend_is_refused_on_the_start_field_and_nothing_is_scheduled(signed_in, berlin_recruiter):
    application = make_application(berlin_recruiter)
    response = _post(
        signed_in,
        application.candidate,
        action="schedule",
        application=application.pk,
        kind="ai_video",
        starts_at=SATURDAY_10_SHANGHAI_IN_BERLIN,
        duration_minutes="45",
    )
    assert response.status_code == 400
    page = response.text
    starts = f'id="sc-{application.pk}-starts_at" name="starts_at" value="{SATURDAY_10_SHANGHAI_IN_BERLIN}"'
    assert starts in page
    assert "2027-03-06 is a Saturday in the candidate&#39;s time zone." in page
    assert f'<details class="action" id="form-schedule-{application.pk}" open>' in page
    assert "Nothing was saved." in page
    assert not Interview.objects.exists() and not Notification.objects.exists()
    application.refresh_from_db()
    assert application.stage == Stage.APPLIED


def test_an_unreadable_time_and_duration_are_named(signed_in, berlin_recruiter):
    application = make_application(berlin_recruiter)
    response = _post(
        signed_in,
        application.candidate,
        action="schedule",
        application=application.pk,
        kind="ai_video",
        starts_at="tomorrow",
        duration_minutes="an hour",
    )
    assert response.status_code == 400
    assert "Give a date and a time." in response.text and "Give a whole number." in response.text
    assert not Interview.objects.exists()


def test_a_busy_interviewer_is_refused_on_the_interviewers_field(signed_in, berlin_recruiter, interviewer):
    schedule(berlin_recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])
    application = make_application(berlin_recruiter)
    response = _post(
        signed_in,
        application.candidate,
        action="schedule",
        application=application.pk,
        kind="live_video",
        starts_at=TUESDAY_10_SHANGHAI_IN_BERLIN,
        duration_minutes="45",
        interviewers=[interviewer.pk],
    )
    assert response.status_code == 409
    assert (
        f'id="sc-{application.pk}-interviewers-errors"><li>interviewer1 has another interview'
        in response.text
    )
    assert Interview.objects.count() == 1


# --- Rescheduling, cancelling, interviewers, results --------------------------------------------


@pytest.fixture
def interview(berlin_recruiter, interviewer):
    return schedule(berlin_recruiter, starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer])


def test_reschedule_moves_the_interview(signed_in, interview):
    candidate = interview.application.candidate
    response = _post(
        signed_in, candidate, action="reschedule", interview=interview.pk, starts_at="2027-03-03T04:00"
    )
    interview.refresh_from_db()
    assert interview.starts_at == shanghai(2027, 3, 3, 11, 0) and interview.calendar_sequence == 1
    assert "Interview moved to 2027-03-03 04:00 (Europe/Berlin)." in _followed(signed_in, response)


def test_a_past_time_is_refused_and_the_interview_keeps_its_time(signed_in, interview):
    response = _post(
        signed_in,
        interview.application.candidate,
        action="reschedule",
        interview=interview.pk,
        starts_at="2027-02-26T03:00",
    )
    assert response.status_code == 400
    assert f'id="rs-{interview.pk}-errors"><li>The start time must be in the future.' in response.text
    interview.refresh_from_db()
    assert interview.starts_at == shanghai(2027, 3, 2, 10, 0) and interview.calendar_sequence == 0


def test_cancel_needs_a_reason_then_cancels(signed_in, interview):
    candidate = interview.application.candidate
    response = _post(signed_in, candidate, action="cancel", interview=interview.pk, reason=" ")
    assert (
        response.status_code == 400 and f'id="cn-{interview.pk}-errors"><li>Give a reason.' in response.text
    )
    interview.refresh_from_db()
    assert interview.status == "scheduled"
    response = _post(signed_in, candidate, action="cancel", interview=interview.pk, reason="Position filled.")
    assert "Interview cancelled." in _followed(signed_in, response)
    interview.refresh_from_db()
    assert interview.status == "cancelled"


def test_rescheduling_a_cancelled_interview_answers_409_and_changes_nothing(signed_in, interview):
    candidate = interview.application.candidate
    _post(signed_in, candidate, action="cancel", interview=interview.pk, reason="Position filled.")
    response = _post(
        signed_in, candidate, action="reschedule", interview=interview.pk, starts_at="2027-03-03T04:00"
    )
    assert response.status_code == 409
    assert "This could not be done: the record has moved on." in response.text
    assert "does not accept &#39;reschedule&#39;" in response.text
    interview.refresh_from_db()
    assert interview.starts_at == shanghai(2027, 3, 2, 10, 0)


def test_assign_and_unassign_an_interviewer_grant_and_revoke_access(
    signed_in, berlin_recruiter, interview, other_interviewer
):
    candidate = interview.application.candidate
    response = _post(
        signed_in, candidate, action="assign", interview=interview.pk, interviewer=other_interviewer.pk
    )
    assert "interviewer2 is assigned and can now see this interview." in _followed(signed_in, response)
    assert other_interviewer.has_perm("interviews.view_interview", interview)
    assignment = InterviewAssignment.objects.get(interviewer=other_interviewer)
    # The page asks first: a removal without its confirmation changes nothing.
    response = _post(signed_in, candidate, action="unassign", assignment=assignment.pk)
    assert response.status_code == 400
    assert "Confirm that the interviewer is to be unassigned." in response.text
    assert other_interviewer.has_perm("interviews.view_interview", interview)
    response = _post(signed_in, candidate, action="unassign", assignment=assignment.pk, confirm="yes")
    assert "interviewer2 is no longer assigned" in _followed(signed_in, response)
    assert not InterviewAssignment.objects.filter(interviewer=other_interviewer).exists()
    other = type(other_interviewer).objects.get(pk=other_interviewer.pk)  # fresh permission cache
    assert not other.has_perm("interviews.view_interview", interview)


def test_assigning_someone_twice_or_a_non_interviewer_is_refused_on_the_interviewer_field(
    signed_in, interview, interviewer, other_interviewer, hr_admin
):
    candidate = interview.application.candidate
    response = _post(
        signed_in, candidate, action="assign", interview=interview.pk, interviewer=interviewer.pk
    )
    assert response.status_code == 400
    assert f'id="as-{interview.pk}-errors"><li>Assigned already.' in response.text
    response = _post(signed_in, candidate, action="assign", interview=interview.pk, interviewer=hr_admin.pk)
    assert response.status_code == 400 and "Choose an interviewer from the list." in response.text
    assert InterviewAssignment.objects.count() == 1


@pytest.fixture
def ai_interview(berlin_recruiter, interviewer):
    return schedule(
        berlin_recruiter, kind="ai_video", starts_at=shanghai(2027, 3, 2, 10, 0), interviewers=[interviewer]
    )


def test_release_shows_the_result_to_the_candidate(signed_in, ai_interview, integration):
    receive_assessment(ai_interview, actor=integration)
    candidate = ai_interview.application.candidate
    response = _post(signed_in, candidate, action="release", interview=ai_interview.pk)
    assert "The result is released" in _followed(signed_in, response)
    ai_interview.refresh_from_db()
    assert ai_interview.results_released_at == timezone.now()


def test_a_flagged_result_is_released_only_after_a_person_reviewed_it(
    signed_in, ai_interview, integration, berlin_recruiter
):
    assessment = receive_assessment(ai_interview, assessment_payload(confidence=0.3), actor=integration)
    candidate = ai_interview.application.candidate
    release_form = f'id="form-release-{ai_interview.pk}"'
    page = signed_in.get(file_url(candidate)).text
    assert release_form not in page
    assert "Review at least one of its scores to release the result to the candidate." in page

    refused = _post(signed_in, candidate, action="release", interview=ai_interview.pk)
    assert refused.status_code == 409 and "flagged this assessment for a person" in refused.text
    ai_interview.refresh_from_db()
    assert ai_interview.results_released_at is None

    human_review_create(
        dimension_score=assessment.dimensions.first(),
        outcome="confirm",
        reason="Answers are clear in the recording.",
        actor=berlin_recruiter,
    )
    assert release_form in signed_in.get(file_url(candidate)).text
    response = _post(signed_in, candidate, action="release", interview=ai_interview.pk)
    assert "The result is released" in _followed(signed_in, response)


def test_a_human_review_needs_a_new_score_to_override_then_is_recorded(
    signed_in, berlin_recruiter, interviewer, integration
):
    candidate, _application, (held,) = full_file(
        berlin_recruiter, interviewer=interviewer, integration=integration
    )
    dimension = held.assessment.dimensions.get(dimension="communication")
    response = _post(
        signed_in,
        candidate,
        action="review",
        dimension=dimension.pk,
        outcome="override",
        reason="Too generous.",
    )
    assert response.status_code == 400
    page = response.text
    assert f'id="rv-{dimension.pk}-score-errors"><li>An override needs the new score.' in page
    assert ">Too generous.</textarea>" in page
    assert not HumanReview.objects.exists()
    response = _post(
        signed_in,
        candidate,
        action="review",
        dimension=dimension.pk,
        outcome="override",
        score="65",
        reason="Too generous.",
    )
    assert "Your review of “Communication” is recorded." in _followed(signed_in, response)
    review = HumanReview.objects.get()
    assert (review.outcome, review.score, review.reviewer) == ("override", 65, berlin_recruiter)


# --- Stage and decisions -------------------------------------------------------------------------


def test_move_the_stage_with_a_reason(signed_in, berlin_recruiter):
    application = make_application(berlin_recruiter)
    response = _post(
        signed_in,
        application.candidate,
        action="move",
        application=application.pk,
        event="screen",
        reason="CV fits.",
    )
    assert "The application is now at “Screening”." in _followed(signed_in, response)
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING
    assert application.stage_history.get(to_stage=Stage.SCREENING).reason == "CV fits."


def test_a_move_the_stage_does_not_allow_answers_409_and_an_unknown_one_names_the_field(
    signed_in, berlin_recruiter
):
    application = make_application(berlin_recruiter)
    response = _post(
        signed_in, application.candidate, action="move", application=application.pk, event="await_decision"
    )
    assert response.status_code == 409 and "does not accept &#39;await_decision&#39;" in response.text
    response = _post(
        signed_in, application.candidate, action="move", application=application.pk, event="hire"
    )
    assert response.status_code == 400 and "Choose where the application goes." in response.text
    application.refresh_from_db()
    assert application.stage == Stage.APPLIED and application.stage_history.count() == 1


HIRE = {
    "action": "decide",
    "outcome": "hire",
    "reason": "Strong interviews.",
    "offer_salary": "420000",
    "offer_currency": "cny",
    "offer_start_date": "2027-04-01",
    "offer_location": "Shanghai office",
    "offer_expires_at": "2027-03-08T18:00",
}


def test_a_hire_decision_records_the_decider_and_drafts_the_offer(signed_in, berlin_recruiter):
    application = application_awaiting_decision(berlin_recruiter)
    response = _post(signed_in, application.candidate, application=application.pk, **HIRE)
    page = _followed(signed_in, response)
    assert "Hire recorded. The offer draft is ready below." in page
    decision = Decision.objects.get()
    assert (decision.outcome, decision.decided_by, decision.reason) == (
        "hire",
        berlin_recruiter,
        "Strong interviews.",
    )
    offer = Offer.objects.get()
    assert (offer.status, offer.salary, offer.currency) == ("draft", "420000", "CNY")
    # The answer-by time was entered in Berlin (UTC+1 in March).
    assert offer.expires_at == datetime(2027, 3, 8, 17, 0, tzinfo=UTC)
    assert AuditEvent.objects.filter(action="decision", actor=berlin_recruiter).exists()
    assert f'id="offer-{offer.pk}"' in page


def test_a_rejection_needs_its_reason_and_a_hire_its_terms(signed_in, berlin_recruiter):
    application = application_awaiting_decision(berlin_recruiter)
    candidate = application.candidate
    response = _post(signed_in, candidate, action="decide", application=application.pk, outcome="reject")
    assert response.status_code == 400 and "A rejection always gives its reason." in response.text
    response = _post(
        signed_in,
        candidate,
        application=application.pk,
        **{**HIRE, "offer_salary": "-5", "offer_expires_at": "next week"},
    )
    assert response.status_code == 400
    assert "A positive amount." in response.text and "Give a date and a time." in response.text
    assert 'name="offer_location" maxlength="200" value="Shanghai office"' in response.text
    assert not Decision.objects.exists() and not Offer.objects.exists()
    application.refresh_from_db()
    assert application.stage == Stage.DECISION


def test_a_rejection_with_its_reason_is_recorded(signed_in, berlin_recruiter):
    application = application_awaiting_decision(berlin_recruiter)
    response = _post(
        signed_in,
        application.candidate,
        action="decide",
        application=application.pk,
        outcome="reject",
        reason="Another candidate was stronger.",
    )
    assert "Rejection recorded" in _followed(signed_in, response)
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED


def test_add_an_application_from_the_file_and_a_second_one_for_the_same_position_is_refused(
    signed_in, berlin_recruiter
):
    application = make_application(berlin_recruiter)
    candidate = application.candidate
    response = _post(signed_in, candidate, action="application_create", position=application.position_id)
    assert (
        response.status_code == 400
        and "The candidate has applied for this position already." in response.text
    )
    # The refused form keeps the position chosen.
    form = response.text.split('id="ac-position"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{application.position_id}" selected>' in form
    other = make_application(berlin_recruiter).position
    response = _post(signed_in, candidate, action="application_create", position=other.pk)
    assert "now applies for" in _followed(signed_in, response)
    assert Application.objects.filter(candidate=candidate).count() == 2


# --- The offer -----------------------------------------------------------------------------------


def test_offer_approved_without_a_chain_then_sent_then_withdrawn(signed_in, berlin_recruiter):
    offer = make_hire(berlin_recruiter, send=False)
    candidate = offer.application.candidate
    page = _followed(signed_in, _post(signed_in, candidate, action="offer_submit", offer=offer.pk))
    assert "The offer is approved and ready to send." in page and "Send the offer to the candidate" in page
    page = _followed(signed_in, _post(signed_in, candidate, action="offer_send", offer=offer.pk))
    assert "The offer is sent" in page
    assert Notification.objects.filter(template="offer_sent", candidate=candidate).exists()
    page = _followed(
        signed_in, _post(signed_in, candidate, action="offer_cancel", offer=offer.pk, reason="Budget")
    )
    offer.refresh_from_db()
    assert offer.status == "cancelled" and "The offer is withdrawn." in page


def test_an_approval_chain_is_decided_by_the_named_approver_in_turn(client, signed_in, berlin_recruiter):
    approver = make_user(Role.RECRUITER, username="approver")
    offer = make_hire(berlin_recruiter, send=False)
    candidate = offer.application.candidate
    page = _followed(
        signed_in, _post(signed_in, candidate, action="offer_submit", offer=offer.pk, approver_1=approver.pk)
    )
    assert "The offer is with its approvers." in page and "Waiting for approver to decide." in page
    # Not the submitter's turn: refused, nothing changes.
    assert _post(signed_in, candidate, action="offer_approve", offer=offer.pk).status_code == 403
    offer.refresh_from_db()
    assert offer.status == "pending_approval"
    client.force_login(approver)
    page = client.get(file_url(candidate)).text
    assert 'value="offer_approve"' in page
    page = _followed(client, client.post(file_url(candidate), {"action": "offer_approve", "offer": offer.pk}))
    offer.refresh_from_db()
    assert offer.status == "approved" and "Your approval is recorded." in page


def test_sending_a_draft_answers_409(signed_in, berlin_recruiter):
    offer = make_hire(berlin_recruiter, send=False)
    response = _post(signed_in, offer.application.candidate, action="offer_send", offer=offer.pk)
    assert response.status_code == 409
    offer.refresh_from_db()
    assert offer.status == "draft"


# --- Refusals before anything is looked at -------------------------------------------------------


def test_an_id_from_another_candidates_file_is_a_404_and_changes_nothing(
    signed_in, berlin_recruiter, interview
):
    stranger = make_candidate(berlin_recruiter)
    response = _post(signed_in, stranger, action="cancel", interview=interview.pk, reason="Nope")
    assert response.status_code == 404
    interview.refresh_from_db()
    assert interview.status == "scheduled"


def test_an_unknown_action_is_refused(signed_in, interview):
    response = _post(signed_in, interview.application.candidate, action="delete_everything")
    assert response.status_code == 400 and "This page has no such action." in response.text


@pytest.mark.parametrize(
    "data",
    [
        {"action": "cancel", "reason": "HR admin tries"},
        {"action": "schedule", "kind": "ai_video", "starts_at": "2027-03-02T02:00", "duration_minutes": "45"},
        {"action": "decide", "outcome": "reject", "reason": "HR admin tries"},
        {"action": "move", "event": "withdraw"},
    ],
)
def test_hr_admin_posts_are_refused_and_change_nothing(client, hr_admin, interview, data):
    application = interview.application
    client.force_login(hr_admin)
    before = AuditEvent.objects.count()
    response = client.post(
        file_url(application.candidate), {**data, "interview": interview.pk, "application": application.pk}
    )
    assert response.status_code == 403
    interview.refresh_from_db()
    application.refresh_from_db()
    assert interview.status == "scheduled" and application.stage == Stage.INTERVIEWING
    assert Interview.objects.count() == 1 and not Decision.objects.exists()
    # Nothing changed, so nothing but the refusal itself is in the trail.
    (refused,) = AuditEvent.objects.all()[: AuditEvent.objects.count() - before]
    assert (refused.action, refused.actor) == (AuditAction.ACCESS_REFUSED, hr_admin)
