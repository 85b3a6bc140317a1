"""The candidate's privacy pages: making a request in the portal, following it, downloading their
copy there or through the e-mailed link, and what others get."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.roles import Role
from privacy.models import AccessBundle, PrivacyRequest
from privacy.services import access
from privacy.services import requests as services
from tests.factories import make_candidate, make_user
from tests.privacy.helpers import candidate_of

PRIVACY = reverse("portal-privacy")


@pytest.fixture
def mine(recruiter, candidate_user):
    return candidate_of(
        candidate_user, recruiter, full_name="Chen Jing", resume_text="Résumé: compilers and databases."
    )


def _copy_url(bundle, **query):
    url = reverse("portal-privacy-copy", args=[bundle.pk])
    return f"{url}?as={query['as']}" if query else url


def _ready_copy(candidate_user, recruiter) -> AccessBundle:
    request = services.privacy_request_submit(actor=candidate_user, kind="access")
    services.privacy_request_start(request=request, actor=recruiter)
    access.access_bundles_build()
    return AccessBundle.objects.get(request=request)


def test_a_candidate_asks_for_a_copy_and_sees_when_it_is_answered(client, candidate_user, mine):
    client.force_login(candidate_user)
    response = client.post(PRIVACY, {"kind": "access", "text": "Everything, please."}, follow=True)
    request = PrivacyRequest.objects.get()
    assert (request.candidate, request.channel, request.kind) == (mine, "portal", "access")
    assert "Your request is received. We answer it by" in response.text
    assert "Everything, please." in response.text and "Received" in response.text
    listed = AuditEvent.objects.get(action="list", target_type="privacy.privacyrequest")
    assert (listed.target_ids, listed.detail) == ([str(request.pk)], {"page": "portal-privacy"})


def test_a_request_with_bad_input_is_shown_again_with_its_errors(client, candidate_user, mine):
    client.force_login(candidate_user)
    response = client.post(PRIVACY, {"kind": "correction", "text": ""})
    assert response.status_code == 400
    assert "Say what is wrong and what it should be." in response.text
    response = client.post(PRIVACY, {"text": "Hello"})
    assert response.status_code == 400 and "Hello" in response.text
    assert not PrivacyRequest.objects.exists()


def test_a_second_open_request_of_a_kind_is_refused_on_the_page(client, candidate_user, mine):
    client.force_login(candidate_user)
    client.post(PRIVACY, {"kind": "restriction"})
    response = client.post(PRIVACY, {"kind": "restriction"})
    assert response.status_code == 409
    assert "A request of this kind is open already" in response.text


def test_the_page_speaks_chinese_to_a_chinese_speaking_candidate(client, candidate_user, mine):
    candidate_user.preferred_language = "zh-hans"
    candidate_user.save(update_fields=["preferred_language"])
    client.force_login(candidate_user)
    text = client.get(PRIVACY).text
    assert "您的个人信息与权利" in text and "查阅：获取我的个人信息副本" in text  # noqa: RUF001


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HR_ADMIN, Role.INTERVIEWER])
def test_only_candidates_open_the_portals_privacy_page(client, db, role):
    client.force_login(make_user(role))
    assert client.get(PRIVACY).status_code == 403
    assert client.post(PRIVACY, {"kind": "access"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_portals_sign_in(client, db):
    response = client.get(PRIVACY)
    assert response.status_code == 302 and response.url.startswith(reverse("portal-sign-in"))


def test_the_page_shows_only_the_candidates_own_requests(client, recruiter, candidate_user, mine):
    other = make_candidate(recruiter)
    services.privacy_request_record(
        candidate=other, kind="erasure", channel="letter", text="Somebody else's letter.", actor=recruiter
    )
    client.force_login(candidate_user)
    assert "Somebody else&#x27;s letter." not in client.get(PRIVACY).text
    assert "Somebody else" not in client.get(PRIVACY).text


def test_the_page_reads_as_many_queries_with_more_requests(
    client, recruiter, candidate_user, mine, django_assert_num_queries
):
    client.force_login(candidate_user)
    services.privacy_request_submit(actor=candidate_user, kind="access", text="All of it.")
    client.get(PRIVACY)
    # Session and user (2), savepoint and release (2), roles and permissions (1), the requests
    # with their copies (1), the list's audit event (1) and the candidate's own record, whose key
    # seals their address in it (1); the texts' person key is read from the key store, once.
    with django_assert_num_queries(8):
        client.get(PRIVACY)
    for kind in ("correction", "restriction", "erasure"):
        services.privacy_request_record(candidate=mine, kind=kind, channel="email", text="x", actor=recruiter)
    with django_assert_num_queries(8):
        assert client.get(PRIVACY).text.count('class="card portal-item"') == 1 + 4


# --- The copy in the portal ------------------------------------------------------------------------


def test_the_candidate_downloads_a_ready_copy_from_the_portal(client, recruiter, candidate_user, mine):
    bundle = _ready_copy(candidate_user, recruiter)
    client.force_login(candidate_user)
    assert _copy_url(bundle) in client.get(PRIVACY).text
    page = client.get(_copy_url(bundle))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert page["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "compilers and databases" in page.content.decode()
    data = client.get(_copy_url(bundle, **{"as": "json"}))
    assert json.loads(data.content)["candidate"]["full_name"] == "Chen Jing"
    assert "no-store" in data["Cache-Control"]


def test_another_candidates_copy_is_not_found(client, recruiter, candidate_user, mine):
    bundle = _ready_copy(candidate_user, recruiter)
    other = make_user(Role.CANDIDATE, username="candidate2")
    candidate_of(other, recruiter)
    client.force_login(other)
    assert client.get(_copy_url(bundle)).status_code == 404
    client.force_login(recruiter)
    assert client.get(_copy_url(bundle)).status_code == 403


def test_a_copy_past_its_time_is_gone(client, recruiter, candidate_user, mine):
    bundle = _ready_copy(candidate_user, recruiter)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client.force_login(candidate_user)
        response = client.get(_copy_url(bundle))
        assert response.status_code == 410 and "no longer available" in response.text
        assert "Download your copy" not in client.get(PRIVACY).text


# --- The e-mailed link ------------------------------------------------------------------------------


def test_the_emailed_link_opens_the_copy_without_signing_in(client, recruiter, candidate_user, mine):
    bundle = _ready_copy(candidate_user, recruiter)
    link = reverse("portal-access-copy", args=[access.copy_token(bundle=bundle)])
    page = client.get(link)
    assert page.status_code == 200 and page["Referrer-Policy"] == "strict-origin"
    assert "Download it as a data file (JSON)" in page.text
    data = client.get(link, {"as": "json"})
    assert json.loads(data.content)["candidate"]["full_name"] == "Chen Jing"
    (event,) = AuditEvent.objects.filter(action="export", target_id=str(bundle.pk), detail__via="link")
    assert event.actor_label == f"candidate-link:{mine.pk}"


def test_the_emailed_link_answers_410_once_expired_and_404_when_not_one(
    client, recruiter, candidate_user, mine
):
    bundle = _ready_copy(candidate_user, recruiter)
    link = reverse("portal-access-copy", args=[access.copy_token(bundle=bundle)])
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        expired = client.get(link)
        assert expired.status_code == 410
        assert "A copy of your data can be downloaded for 7 days" in expired.text
        assert client.get(link, {"as": "json"}).status_code == 410
    assert client.get(reverse("portal-access-copy", args=["not-a-token"])).status_code == 404
    assert client.get(link, {"as": "pdf"}).status_code == 404
