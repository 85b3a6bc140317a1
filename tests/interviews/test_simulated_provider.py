"""The simulated provider end to end: meeting links, join and practice pages, and the command that
fires its signed webhooks (in process, and over HTTP to a running server)."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from interviews.models import AIAssessment, Incident, Interview
from interviews.providers import get as provider_get
from tests.factories import make_application, make_candidate, make_interview
from tests.interviews.webhook_helpers import consent_given, interview_with_meeting


def _fire(interview, event, *extra):
    out = StringIO()
    call_command("simulate_provider_event", str(interview.pk), event, "--in-process", *extra, stdout=out)
    return out.getvalue()


def _status(interview):
    return Interview.objects.values_list("status", flat=True).get(pk=interview.pk)


def test_the_meeting_links_point_at_the_local_pages(recruiter, settings):
    settings.HRSUITE_PUBLIC_URL = "https://hr.example.com/"
    interview = interview_with_meeting(recruiter)
    meeting = provider_get("simulated").create_meeting(interview)
    assert meeting.meeting_id == f"sim-{interview.pk}"
    assert meeting.join_url == f"https://hr.example.com/interviews/simulated/sim-{interview.pk}/"
    assert provider_get("simulated").practice_url() == "https://hr.example.com/interviews/simulated/practice/"


def test_the_join_page_shows_kind_and_time_in_the_candidates_zone(client, recruiter):
    candidate = make_candidate(recruiter, time_zone="America/Chicago")
    starts_at = (timezone.now() + datetime.timedelta(days=3)).replace(
        hour=15, minute=30, second=0, microsecond=0
    )
    interview = interview_with_meeting(
        recruiter,
        application=make_application(recruiter, candidate=candidate),
        starts_in=starts_at - timezone.now(),
    )
    response = client.get(f"/interviews/simulated/{interview.provider_meeting_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    local = interview.starts_at.astimezone(ZoneInfo("America/Chicago"))
    assert f"{local:%Y-%m-%d %H:%M} (America/Chicago)" in page
    assert f"{interview.starts_at:%H:%M}" not in page or local.hour == interview.starts_at.hour
    assert "America/Chicago" in page
    assert "AI video" in page
    assert "local simulation" in page
    assert candidate.full_name not in page  # the link shows the meeting, not who the candidate is


def test_the_join_page_of_an_unknown_meeting_is_404(client, db):
    assert client.get("/interviews/simulated/sim-nobody/").status_code == 404


def test_the_practice_page_walks_through_camera_microphone_and_network(client, db):
    page = client.get("/interviews/simulated/practice/").content.decode()
    for words in ("Camera", "Microphone", "Network", "local simulation"):
        assert words in page


def test_the_command_fires_each_event_through_signature_verification(recruiter):
    interview = interview_with_meeting(recruiter)
    consent_given(recruiter, interview)
    assert "200" in _fire(interview, "started")
    assert _status(interview) == "in_progress"
    assert "200" in _fire(interview, "completed")
    assert _status(interview) == "completed"
    assessment = AIAssessment.objects.get(interview=interview)
    assert set(assessment.dimensions.values_list("dimension", flat=True)) == {
        "communication",
        "problem_solving",
    }
    assert all(d.evidence and d.evidence[0]["quote"] for d in assessment.dimensions.all())
    assert assessment.needs_human_review is False


def test_the_command_can_report_a_low_confidence_assessment(recruiter):
    interview = interview_with_meeting(recruiter)
    consent_given(recruiter, interview)
    _fire(interview, "started")
    _fire(interview, "completed", "--low-confidence")
    assert AIAssessment.objects.get(interview=interview).needs_human_review is True


@pytest.mark.parametrize("event", ["technical_issue", "no_show"])
def test_the_command_reports_failures(recruiter, event):
    interview = interview_with_meeting(recruiter)
    _fire(interview, event)
    assert Incident.objects.get(interview=interview).kind == event


def test_the_command_signs_with_the_configured_secret_only(recruiter, settings):
    interview = interview_with_meeting(recruiter)
    settings.HRSUITE_WEBHOOK_SECRETS = ""
    with pytest.raises(Exception, match="No webhook secret"):
        _fire(interview, "started")
    assert _status(interview) == "scheduled"


def test_the_command_refuses_an_interview_without_a_simulated_meeting(recruiter):
    with pytest.raises(CommandError, match="no meeting"):
        _fire(make_interview(recruiter, kind="phone"), "started")
    with pytest.raises(CommandError, match="No interview"):
        call_command("simulate_provider_event", "not-an-id", "started", "--in-process")


def test_a_refused_event_makes_the_command_fail(recruiter):
    interview = interview_with_meeting(recruiter)
    with pytest.raises(CommandError, match="409"):
        _fire(interview, "completed")


@pytest.mark.django_db(transaction=True)
def test_the_command_posts_over_http_to_a_running_server(live_server, recruiter):
    interview = interview_with_meeting(recruiter)
    out = StringIO()
    call_command(
        "simulate_provider_event", str(interview.pk), "started", "--url", live_server.url, stdout=out
    )
    assert "started → 200" in out.getvalue()
    assert _status(interview) == "in_progress"
