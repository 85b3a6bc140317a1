"""Pages whose address carries a candidate's credential (the e-mailed interview, consent, offer,
onboarding, welcome and sign-in links) pass on at most the site's origin as the Referer: under
Django's default `same-origin` policy the next same-site request would carry the whole address,
token included, into the access log's referrer field. Their forms still pass the CSRF check."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from candidates.services.portal_accounts import candidate_portal_invite, sign_in_url, welcome_url
from interviews.services import candidate_links as interview_links
from onboarding.models import OnboardingPlan
from onboarding.services import candidate_links as onboarding_links
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_candidate,
    make_hire,
    make_interview,
)


def _path(url: str) -> str:
    return urlparse(url).path


@pytest.fixture
def links(recruiter):
    """One address of each kind of link page, for one candidate."""
    candidate = make_candidate(recruiter, preferred_language="en")
    candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    onboarding_links.offer_answer_by_link(token=onboarding_links.offer_token(offer=offer), accept=True)
    accepted = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    plan = OnboardingPlan.objects.get(offer=offer)
    return {
        "interview": _path(interview_links.interview_url(interview=interview)),
        "consent": _path(interview_links.consent_url(interview=interview)),
        "offer": _path(onboarding_links.offer_url(offer=accepted)),
        "onboarding": _path(onboarding_links.onboarding_url(plan=plan)),
        "welcome": _path(welcome_url(user=candidate.user)),
        "sign-in link": _path(sign_in_url(user=candidate.user)),
        "unknown interview link": "/portal/interviews/not-a-token/",
        "unknown offer link": "/portal/offers/not-a-token/",
        "unknown reschedule link": "/portal/reschedule/not-a-token/",
        "unknown welcome link": reverse("portal-welcome", args=["MTIz", "not-a-token"]),
    }


@pytest.mark.django_db
def test_every_link_page_tells_the_browser_to_send_no_referrer(client, links):
    for name, path in links.items():
        response = client.get(path)
        assert response.status_code in (200, 404), (name, response.status_code)
        assert response["Referrer-Policy"] == "strict-origin", name


@pytest.mark.django_db
def test_a_refused_post_on_a_link_page_sends_no_path_onwards_either(client, links):
    response = client.post(links["welcome"], {"password": "short", "password_again": "short"})
    assert response.status_code == 400
    assert response["Referrer-Policy"] == "strict-origin"
    response = client.post(links["interview"], {"slot": "not a time"})
    assert response.status_code == 400
    assert response["Referrer-Policy"] == "strict-origin"


@pytest.mark.django_db
def test_signed_in_pages_keep_the_site_wide_policy(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("hr-candidates"))["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db(transaction=True)
def test_browser_following_the_consent_link_from_the_interview_page_sends_no_token(
    browser_page, live_server, settings, recruiter
):
    # The links point at the site itself, as in production (same origin as the page).
    settings.HRSUITE_PUBLIC_URL = live_server.url
    candidate = make_candidate(recruiter, preferred_language="en")
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
    token = interview_links.interview_token(interview=interview)
    page = browser_page()
    page.goto(f"/portal/interviews/{token}/")

    with page.expect_request(lambda request: "/portal/consent/" in request.url) as followed:
        page.get_by_role("link", name="Privacy notice and consent").click()

    referer = followed.value.all_headers().get("referer", "")
    assert token not in referer
