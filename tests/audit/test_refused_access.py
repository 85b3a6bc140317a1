"""Refused accesses are in the audit trail: a signed-in user (or token) asking for an object they
may not reach (404, the same as a missing one) or for an act they may not do (403). One client
cannot flood the trail: past HRSUITE_REFUSED_ACCESS_EVENTS per minute per actor and address, one
event says the limit was reached and the rest of that minute is only counted."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from interviews.services.assignments import assignment_create
from tests.factories import make_application, make_interview

pytestmark = pytest.mark.django_db


def _refused(**filters):
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, **filters)


@pytest.fixture
def unassigned(recruiter):
    """An interview, its application and candidate that no interviewer is assigned to."""
    return make_interview(recruiter, application=make_application(recruiter))


def test_an_interviewer_asking_the_api_for_an_unassigned_candidate_leaves_one_event(
    api, interviewer, unassigned
):
    candidate = unassigned.application.candidate
    response = api.as_user(interviewer).get(f"/api/candidates/{candidate.pk}/")

    assert response.status_code == 404
    (event,) = _refused()
    assert event.actor == interviewer
    assert (event.target_type, event.target_id) == ("candidates.candidate", str(candidate.pk))
    assert event.detail["path"] == f"/api/candidates/{candidate.pk}/"
    assert event.detail["status"] == 404 and event.detail["action"] == "view"
    assert event.ip == "127.0.0.1"


def test_an_interviewer_opening_an_unassigned_interview_page_leaves_one_event(
    client, interviewer, unassigned
):
    client.force_login(interviewer)
    response = client.get(reverse("workspace-interview", kwargs={"pk": unassigned.pk}))

    assert response.status_code == 404
    (event,) = _refused()
    assert event.actor == interviewer
    assert (event.target_type, event.target_id) == ("interviews.interview", str(unassigned.pk))


def test_an_assigned_interviewer_leaves_no_refusal(api, client, recruiter, interviewer, unassigned):
    assignment_create(interview=unassigned, interviewer=interviewer, actor=recruiter)
    candidate = unassigned.application.candidate
    assert api.as_user(interviewer).get(f"/api/candidates/{candidate.pk}/").status_code == 200
    assert not _refused().exists()


def test_a_forbidden_act_is_recorded_with_what_was_asked(api, hr_admin, recruiter, interviewer, unassigned):
    assignment = assignment_create(interview=unassigned, interviewer=interviewer, actor=recruiter)
    response = api.as_user(hr_admin).delete(f"/api/assignments/{assignment.pk}/")

    assert response.status_code == 403
    (event,) = _refused()
    assert event.actor == hr_admin
    assert event.detail["method"] == "DELETE" and event.detail["status"] == 403
    assert event.detail["path"] == f"/api/assignments/{assignment.pk}/"


def test_a_thousand_refusals_from_one_client_leave_a_bounded_trail(api, interviewer, unassigned, settings):
    settings.HRSUITE_REFUSED_ACCESS_EVENTS = 20
    path = f"/api/candidates/{unassigned.application.candidate_id}/"
    client = api.as_user(interviewer)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(1000):
            assert client.get(path).status_code == 404
        events = list(_refused().order_by("id"))
        assert len(events) == 21
        assert not any(e.detail.get("limit_reached") for e in events[:20])
        assert events[20].detail["limit_reached"] is True
        assert events[20].detail["limit"] == 20

        # Another address is another client, and a minute later this one is recorded again.
        assert client.get(path, REMOTE_ADDR="10.0.0.7").status_code == 404
        assert _refused(ip="10.0.0.7").count() == 1
        clock.shift(61)
        client.get(path)
        assert _refused().count() == 23
