"""Every action form of HR's candidate file and interview page names its object in a hidden field
(application, interview, assignment, dimension, offer). An id of ANOTHER candidate's object posted
on this candidate's page is a 404, exactly like a missing one, and changes nothing."""

import pytest

from audit.models import AuditEvent
from candidates.models import Application
from interviews.models import AIDimensionScore, HumanReview, Interview, InterviewAssignment
from onboarding.models import Decision, Offer
from tests.backoffice.hr_helpers import file_url, full_file, interview_url
from tests.factories import application_awaiting_decision, make_candidate, make_hire
from tests.interviews.scheduling_helpers import frozen_clock, schedule, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def theirs(recruiter, interviewer, integration):
    """Another candidate's objects: an application with an assessed, scored and assigned interview,
    and a drafted offer."""
    _person, application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration
    )
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter), send=False)
    return {
        "application": application,
        "interview": interview,
        "assignment": InterviewAssignment.objects.get(interview=interview),
        "dimension": AIDimensionScore.objects.filter(assessment__interview=interview).first(),
        "offer": offer,
    }


@pytest.fixture
def mine(recruiter, interviewer):
    """This page's candidate, with an interview of their own (for the interview page)."""
    return schedule(recruiter, starts_at=shanghai(2027, 3, 2, 15, 0), interviewers=[interviewer])


# (action, the hidden field naming its object, more fields the form sends)
ACTIONS = [
    (
        "schedule",
        "application",
        {"kind": "live_video", "starts_at": "2027-03-03T10:00", "duration_minutes": "45"},
    ),
    ("move", "application", {"event": "withdraw", "reason": "Not me"}),
    ("decide", "application", {"outcome": "reject", "reason": "Not me"}),
    ("reschedule", "interview", {"starts_at": "2027-03-03T10:00"}),
    ("cancel", "interview", {"reason": "Not me"}),
    ("assign", "interview", {}),
    ("release", "interview", {}),
    ("unassign", "assignment", {}),
    ("review", "dimension", {"outcome": "override", "score": "10", "reason": "Not me"}),
    ("offer_submit", "offer", {}),
    ("offer_approve", "offer", {"note": "Not me"}),
    ("offer_reject", "offer", {"note": "Not me"}),
    ("offer_send", "offer", {}),
    ("offer_cancel", "offer", {"reason": "Not me"}),
]


def _state():
    """Everything an action could change, and the trail's length."""
    return (
        sorted(Application.objects.values_list("pk", "stage")),
        sorted(Interview.objects.values_list("pk", "status", "starts_at", "results_released_at")),
        sorted(InterviewAssignment.objects.values_list("pk", flat=True)),
        HumanReview.objects.count(),
        Decision.objects.count(),
        sorted(Offer.objects.values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(("action", "field", "data"), ACTIONS, ids=[a for a, _f, _d in ACTIONS])
def test_another_candidates_id_on_this_candidates_file_is_404(client, recruiter, theirs, action, field, data):
    this_candidate = make_candidate(recruiter)
    client.force_login(recruiter)
    before = _state()

    response = client.post(
        file_url(this_candidate), {"action": action, field: str(theirs[field].pk), "interviewer": "", **data}
    )

    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize(
    ("action", "field", "data"),
    [row for row in ACTIONS if row[0] in ("reschedule", "cancel", "assign", "release", "unassign", "review")],
    ids=["reschedule", "cancel", "assign", "release", "unassign", "review"],
)
def test_another_candidates_id_on_this_interviews_page_is_404(
    client, recruiter, theirs, mine, action, field, data
):
    client.force_login(recruiter)
    before = _state()

    response = client.post(interview_url(mine), {"action": action, field: str(theirs[field].pk), **data})

    assert response.status_code == 404
    assert _state() == before


# A fixed id that no row has (made fresh, it would name the test differently in each xdist worker).
MISSING_ID = "6f1c1a4e-0000-4000-8000-000000000000"


@pytest.mark.parametrize("value", ["", "not-an-id", MISSING_ID, "1 OR 1=1"])
def test_a_missing_or_malformed_id_is_the_same_404(client, recruiter, value):
    this_candidate = make_candidate(recruiter)
    client.force_login(recruiter)
    for action, field, data in ACTIONS:
        response = client.post(file_url(this_candidate), {"action": action, field: value, **data})
        assert response.status_code == 404, action
