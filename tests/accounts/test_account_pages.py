"""Signing in and out, the landing page per role, and the language and time-zone preferences."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import AuditEvent
from candidates.services.portal_accounts import candidate_portal_invite
from hrsuite.roles import Role
from tests.browser import sign_in
from tests.factories import make_candidate, make_user


@pytest.mark.django_db
def test_sign_in_page_renders_in_the_browser_language(client):
    response = client.get(reverse("sign-in"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "登录" in response.text


@pytest.mark.django_db
def test_anonymous_start_page_links_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("sign-in") in response.text


@pytest.mark.django_db
def test_signed_in_user_is_sent_from_the_start_page_to_their_section(client, interviewer):
    client.force_login(interviewer)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("workspace-home")


@pytest.mark.django_db
def test_language_choice_is_saved_on_the_user_and_audited(client, recruiter):
    client.force_login(recruiter)
    response = client.post(reverse("preferences"), {"language": "zh-hans", "next": reverse("preferences")})
    assert response.status_code == 302
    recruiter.refresh_from_db()
    assert recruiter.preferred_language == "zh-hans"
    page = client.get(reverse("preferences"))
    assert "语言和时区" in page.text
    assert page["Content-Language"] == "zh-hans"
    event = AuditEvent.objects.get(action="update", target_type="accounts.user", target_id=str(recruiter.pk))
    assert event.changed_fields == ["preferred_language", "time_zone"]


@pytest.mark.django_db
def test_unknown_time_zone_is_refused_by_name_and_nothing_is_saved(client, recruiter):
    client.force_login(recruiter)
    response = client.post(reverse("preferences"), {"language": "zh-hans", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Mars/Olympus" in response.text
    recruiter.refresh_from_db()
    assert (recruiter.preferred_language, recruiter.time_zone) == ("en", "UTC")


@pytest.mark.django_db
def test_preferences_do_not_redirect_off_site(client, recruiter):
    client.force_login(recruiter)
    response = client.post(reverse("preferences"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response.url.startswith("https://evil.example")


@pytest.mark.django_db
def test_anonymous_language_switch_sets_the_language_cookie(client):
    response = client.post(reverse("preferences"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"


@pytest.mark.django_db
def test_signing_out_needs_a_post(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("sign-out")).status_code == 405
    assert client.post(reverse("sign-out")).status_code == 302
    assert client.get(reverse("preferences")).status_code == 302  # signed out: back to sign-in


@pytest.mark.django_db(transaction=True)
def test_browser_sign_in_with_wrong_password_then_right_one(browser_page):
    user = make_user(Role.INTERVIEWER, username="ivy")
    page = browser_page()
    page.goto(reverse("sign-in"))
    page.get_by_label("Username").fill("ivy")
    page.get_by_label("Password").fill("wrong")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("not right")
    sign_in(page, user)
    expect(page).to_have_url(re.compile(re.escape(reverse("workspace-home")) + "$"))
    expect(page.get_by_role("link", name="My interviews")).to_have_attribute("aria-current", "page")


@pytest.mark.django_db
def test_sign_in_page_offers_candidates_a_sign_in_link_by_email(client):
    response = client.get(reverse("sign-in"))
    assert reverse("portal-sign-in") in response.text


@pytest.mark.django_db
def test_menu_marks_the_section_of_the_page_being_shown(client, recruiter):
    client.force_login(recruiter)
    menu = client.get(reverse("hr-candidates")).context["menu"]
    assert [entry["name"] for entry in menu if entry.get("current")] == ["hr-candidates"]
    menu = client.get(reverse("hr-dashboard")).context["menu"]
    assert [entry["name"] for entry in menu if entry.get("current")] == ["hr-dashboard"]


@pytest.mark.django_db
def test_the_header_names_staff_and_says_my_account_to_a_candidate(client, recruiter):
    named = make_user(Role.RECRUITER, username="mlin", first_name="Mei", last_name="Lin")
    candidate = make_candidate(recruiter, full_name="Quenby Tarrant")
    candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()

    client.force_login(named)
    assert client.get(reverse("hr-candidates")).context["account_label"] == "Mei Lin"
    client.force_login(candidate.user)
    page = client.get(reverse("portal-home"))
    assert page.context["account_label"] == "My account" and ">My account</a>" in page.text


@pytest.mark.django_db
def test_error_pages_for_a_signed_in_user_are_never_cached(client, interviewer):
    client.force_login(interviewer)
    for path, status in ((reverse("hr-dashboard"), 403), ("/workspace/interviews/no-such-id/", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert "no-store" in response["Cache-Control"]
