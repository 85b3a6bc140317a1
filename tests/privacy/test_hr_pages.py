"""HR's privacy request pages and the dashboard's list of requests due: who opens them, what they
show and record in the audit trail, the actions on a request, and their query counts."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from backoffice import tasks
from hrsuite.roles import Role
from privacy.models import PrivacyRequest
from privacy.services import requests as services
from tests.factories import make_candidate, make_hire, make_user

NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
LIST = reverse("hr-privacy-requests")


def _page(request):
    return reverse("hr-privacy-request", args=[request.pk])


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def _recorded(recruiter, *, days_ago=0, region="CN", kind="access", name=None):
    candidate = make_candidate(recruiter, region=region, **({"full_name": name} if name else {}))
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        return services.privacy_request_record(
            candidate=candidate, kind=kind, channel="email", text="As in the e-mail.", actor=recruiter
        )


@pytest.fixture
def requests_due(recruiter):
    """Overdue (CN, 20 days ago), due in 3 days (CN, 12 days ago), due in 20 days (US-IL, 10
    days ago), and one done."""
    made = {
        "overdue": _recorded(recruiter, days_ago=20, name="Wang Overdue"),
        "soon": _recorded(recruiter, days_ago=12, kind="correction", name="Li Soon"),
        "later": _recorded(recruiter, days_ago=10, region="US-IL", kind="erasure", name="Ann Later"),
        "done": _recorded(recruiter, days_ago=30, kind="restriction", name="Zhao Done"),
    }
    with time_machine.travel(NOW - timedelta(days=29), tick=False):
        services.privacy_request_start(request=made["done"], actor=recruiter)
        services.privacy_request_complete(request=made["done"], actor=recruiter)
    return made


# --- Who opens them ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.CANDIDATE])
def test_interviewers_and_candidates_open_no_hr_privacy_page(client, recruiter, role):
    request = _recorded(recruiter)
    client.force_login(make_user(role))
    assert client.get(LIST).status_code == 403
    assert client.get(_page(request)).status_code == 403


def test_hr_admins_read_the_pages_without_a_control_and_change_nothing(client, recruiter, hr_admin):
    request = _recorded(recruiter)
    client.force_login(hr_admin)
    listing, page = client.get(LIST).text, client.get(_page(request)).text
    assert "Record the request" not in listing and 'name="action"' not in page
    assert "HR admins see everything and change nothing" in page
    assert client.post(_page(request), {"action": "start"}).status_code == 403
    assert client.post(LIST, {"action": "record", "email": "x@example.test"}).status_code == 403
    assert PrivacyRequest.objects.get(pk=request.pk).state == "received"


def test_the_menu_leads_hr_to_the_requests(client, recruiter, hr_admin, interviewer):
    for user, shown in ((recruiter, True), (hr_admin, True), (interviewer, False)):
        client.force_login(user)
        home = client.get(reverse("hr-dashboard") if shown else reverse("workspace-home")).text
        assert (f'href="{LIST}"' in home) is shown


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_open_requests_soonest_deadline_first(client, recruiter, requests_due, clock):
    client.force_login(recruiter)
    text = client.get(LIST).text
    assert text.index("Wang Overdue") < text.index("Li Soon") < text.index("Ann Later")
    assert "Zhao Done" not in text
    assert text.count(">Overdue<") == 1
    listed = AuditEvent.objects.filter(action="list", target_type="privacy.privacyrequest").get()
    assert listed.target_ids == [str(requests_due[n].pk) for n in ("overdue", "soon", "later")]


def test_the_list_filters_by_state_kind_and_overdue(client, recruiter, requests_due, clock):
    client.force_login(recruiter)
    assert "Zhao Done" in client.get(LIST, {"state": "done"}).text
    everyone = client.get(LIST, {"state": "all"}).text
    assert all(name in everyone for name in ("Wang Overdue", "Li Soon", "Ann Later", "Zhao Done"))
    overdue = client.get(LIST, {"overdue": "true"}).text
    assert "Wang Overdue" in overdue and "Li Soon" not in overdue
    erasures = client.get(LIST, {"kind": "erasure"}).text
    assert "Ann Later" in erasures and "Wang Overdue" not in erasures
    refused = client.get(LIST, {"kind": "shredding"})
    assert refused.status_code == 400


def test_the_list_pages_in_as_many_queries_for_more_rows(client, recruiter, django_assert_num_queries, clock):
    client.force_login(recruiter)
    for count in (2, 6):
        while PrivacyRequest.objects.count() < count:
            _recorded(recruiter)
        client.get(LIST)
        # Session and user (2), savepoint and release (2), roles and permissions (1), count and
        # page (2), the list's audit event (1).
        with django_assert_num_queries(8):
            assert client.get(LIST).status_code == 200


def test_a_recruiter_records_a_request_received_by_letter(client, recruiter, clock):
    candidate = make_candidate(recruiter, region="CN", time_zone="Asia/Shanghai")
    client.force_login(recruiter)
    response = client.post(
        LIST,
        {
            "action": "record",
            "email": candidate.email,
            "kind": "erasure",
            "channel": "letter",
            "received_at": "2027-02-27T09:00",
            "text": "Delete my video.",
        },
    )
    request = PrivacyRequest.objects.get()
    assert response.status_code == 302 and response.url == _page(request)
    assert (request.candidate, request.channel, request.received_at) == (
        candidate,
        "letter",
        datetime(2027, 2, 27, 9, 0, tzinfo=UTC),  # the recruiter's zone is UTC
    )


def test_recording_for_an_unknown_address_says_so_and_records_nothing(client, recruiter):
    client.force_login(recruiter)
    response = client.post(LIST, {"action": "record", "email": "nobody@example.test", "kind": "access"})
    assert response.status_code == 400
    assert "No candidate has this e-mail address." in response.text
    assert not PrivacyRequest.objects.exists()


# --- A request's page ----------------------------------------------------------------------------


def test_a_recruiter_starts_and_refuses_a_request_from_its_page(client, recruiter):
    request = _recorded(recruiter, kind="restriction")
    client.force_login(recruiter)
    assert client.post(_page(request), {"action": "start"}).status_code == 302
    refused = client.post(_page(request), {"action": "refuse", "reason": " "})
    assert refused.status_code == 400 and "Say why: the candidate is told." in refused.text
    assert client.post(_page(request), {"action": "refuse", "reason": "Not verified."}).status_code == 302
    request.refresh_from_db()
    assert (request.state, request.refusal_reason, request.handled_by) == (
        "refused",
        "Not verified.",
        recruiter,
    )
    page = client.get(_page(request)).text
    assert "Not verified." in page and "recruiter" in page
    assert AuditEvent.objects.filter(action="view", target_id=str(request.pk)).exists()


def test_an_erasure_request_is_not_completed_from_its_page(client, recruiter):
    request = _recorded(recruiter, kind="erasure")
    services.privacy_request_start(request=request, actor=recruiter)
    client.force_login(recruiter)
    page = client.get(_page(request)).text
    assert 'value="complete"' not in page and "Erasing destroys the person&#39;s key" in page
    assert 'value="erase"' in page
    response = client.post(_page(request), {"action": "complete"})
    assert response.status_code == 409 and "carry it out with the erasure" in response.text
    assert PrivacyRequest.objects.get(pk=request.pk).state == "in_progress"


def test_a_move_the_state_no_longer_allows_is_a_409_on_the_page(client, recruiter):
    request = _recorded(recruiter)
    services.privacy_request_refuse(request=request, actor=recruiter, reason="Duplicate.")
    client.force_login(recruiter)
    response = client.post(_page(request), {"action": "start"})
    assert response.status_code == 409
    assert "the record has moved on" in response.text


# --- The dashboard --------------------------------------------------------------------------------


def test_the_dashboard_lists_requests_due_within_a_week_or_overdue(client, recruiter, requests_due, clock):
    client.force_login(recruiter)
    tasks.dashboard_counts_refresh()
    text = client.get(reverse("hr-dashboard")).text
    section = text[text.index('id="privacy"') : text.index('id="privacy"') + 4000]
    assert section.index("Wang Overdue") < section.index("Li Soon")
    assert "Ann Later" not in section and "Zhao Done" not in section
    assert f'href="{_page(requests_due["soon"])}"' in section
    listed = AuditEvent.objects.get(action="list", target_type="privacy.privacyrequest", actor=recruiter)
    assert listed.target_ids == [str(requests_due["overdue"].pk), str(requests_due["soon"].pk)]
    assert listed.detail == {"page": "hr-dashboard", "list": "privacy_due"}
    assert '<span class="figure">2</span> privacy requests due' in text


def test_the_dashboard_counts_requests_due_past_its_list(client, recruiter, clock, settings):
    for _ in range(11):
        _recorded(recruiter, days_ago=14)
    client.force_login(recruiter)
    tasks.dashboard_counts_refresh()
    text = client.get(reverse("hr-dashboard")).text
    assert '<span class="figure">11</span> privacy requests due' in text
    assert "The first 10 of 11." in text


def test_a_recruiter_erases_from_the_requests_page_after_ticking_that_it_cannot_be_undone(
    client, recruiter, hr_admin, django_capture_on_commit_callbacks
):
    request = _recorded(recruiter, kind="erasure", name="Erin Erasable")
    client.force_login(hr_admin)
    assert 'value="erase"' not in client.get(_page(request)).text
    assert client.post(_page(request), {"action": "erase", "confirm": "yes"}).status_code == 403
    client.force_login(recruiter)

    unticked = client.post(_page(request), {"action": "erase"})
    assert unticked.status_code == 400 and "cannot be undone" in unticked.text
    assert request.candidate.__class__.objects.get(pk=request.candidate_id).erased_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_page(request), {"action": "erase", "confirm": "yes"}, follow=True)

    assert done.status_code == 200 and "The person&#39;s data is erased" in done.text
    assert "Person key destroyed" in done.text and 'value="erase"' not in done.text
    assert 'value="refuse"' not in done.text
    assert request.candidate.__class__.objects.get(pk=request.candidate_id).erased_at is not None
    file_page = client.get(reverse("hr-candidate", args=[request.candidate_id])).text
    assert "Erased candidate" in file_page and "Erin" not in file_page


def test_a_legal_hold_is_shown_instead_of_the_erase_button(client, recruiter):
    offer = make_hire(recruiter)
    request = services.privacy_request_record(
        candidate=offer.application.candidate, kind="erasure", channel="email", actor=recruiter
    )
    client.force_login(recruiter)

    page = client.get(_page(request)).text

    assert "cannot be erased now" in page and "offer to them is still open" in page
    assert 'value="erase"' not in page
    refused = client.post(_page(request), {"action": "erase", "confirm": "yes"})
    assert refused.status_code == 409 and "offer to them is still open" in refused.text
