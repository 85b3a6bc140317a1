"""A recording is reachable only through hrsuite: a link the provider adapter issues for one
viewing, to HR and the interview's assigned interviewers, each opening a share in the trail."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from hrsuite.roles import Role
from interviews.services.assignments import assignment_create
from tests.factories import hold_interview, make_interview, make_user


@pytest.fixture
def held(recruiter, interviewer):
    interview = make_interview(recruiter, kind="ai_video")
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    return hold_interview(interview)


def _open(client, user, name, interview):
    client.force_login(user)
    return client.get(reverse(name, args=[interview.pk]))


def _shares(interview):
    return AuditEvent.objects.filter(action=AuditAction.SHARE, target_id=str(interview.pk))


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("recruiter", "hr-interview-recording"),
        ("hr_admin", "hr-interview-recording"),
        ("interviewer", "workspace-interview-recording"),
    ],
)
def test_hr_and_the_assigned_interviewer_get_a_fresh_link_and_each_opening_is_a_share(
    client, request, held, who, page
):
    user = request.getfixturevalue(who)

    first = _open(client, user, page, held)
    second = _open(client, user, page, held)

    assert first.status_code == second.status_code == 302
    assert "no-store" in first["Cache-Control"] and first["Referrer-Policy"] == "no-referrer"
    assert urlsplit(first["Location"]).path == reverse("simulated-recording", args=[held.provider_meeting_id])
    shares = list(_shares(held))
    assert len(shares) == 2 and {share.actor_id for share in shares} == {user.pk}
    assert {share.candidate_id for share in shares} == {held.application.candidate_id}
    # The link opens the recording, and is not kept anywhere: no event or page holds it.
    assert client.get(first["Location"]).status_code == 200
    assert not AuditEvent.objects.filter(detail__icontains="signature").exists()


def test_the_link_stops_working_after_five_minutes(client, recruiter, held):
    link = _open(client, recruiter, "hr-interview-recording", held)["Location"]
    expires = int(parse_qs(urlsplit(link).query)["expires"][0])

    with time_machine.travel(datetime.datetime.fromtimestamp(expires + 1, tz=datetime.UTC)):
        assert client.get(link).status_code == 403


def test_a_tampered_link_is_refused(client, recruiter, held):
    link = _open(client, recruiter, "hr-interview-recording", held)["Location"]

    assert client.get(link.replace("expires=", "expires=9")).status_code == 403
    other = link.replace(held.provider_meeting_id, "sim-someone-else")
    assert client.get(other).status_code == 403
    assert client.get(link.split("signature=")[0] + "signature=%C3%A9").status_code == 403
    assert client.get(link.replace("expires=", "expires=%D9%A1")).status_code == 403


def test_nobody_else_reaches_it(client, recruiter, held, other_interviewer):
    candidate_user = make_user(Role.CANDIDATE)
    refusals = [
        _open(client, other_interviewer, "workspace-interview-recording", held).status_code,
        _open(client, candidate_user, "hr-interview-recording", held).status_code,
        _open(client, candidate_user, "workspace-interview-recording", held).status_code,
    ]

    assert refusals == [404, 403, 403]
    assert not _shares(held).exists()


def test_an_interview_not_held_on_the_provider_has_no_recording(client, recruiter):
    scheduled = make_interview(recruiter, kind="ai_video")
    phone = hold_interview(make_interview(recruiter, kind="phone"))

    assert _open(client, recruiter, "hr-interview-recording", scheduled).status_code == 404
    assert _open(client, recruiter, "hr-interview-recording", phone).status_code == 404


def test_the_pages_offer_the_recording_once_it_exists(client, recruiter, interviewer, held):
    link = reverse("hr-interview-recording", args=[held.pk])
    assert link in _open(client, recruiter, "hr-interview", held).content.decode()
    assert reverse("workspace-interview-recording", args=[held.pk]) in (
        _open(client, interviewer, "workspace-interview", held).content.decode()
    )
