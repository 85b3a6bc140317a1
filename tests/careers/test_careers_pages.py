"""The careers page, anonymous: only open positions are listed, in the visitor's language; a position
not open is not there (404) and takes no application; the form names the fields in error and keeps
what was typed; an application lands on the same confirmation page, for a known address too; the
form is a CSRF-protected POST, and works with Redis down."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from candidates.models import Application, Candidate
from candidates.services.intake import privacy_notice
from candidates.services.positions import position_transition
from demo.resume_files import pdf_with_text
from hrsuite.roles import Role
from notifications.models import Notification
from tests.factories import make_candidate, make_position, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return make_user(Role.RECRUITER, username="olivia")


@pytest.fixture
def positions(owner):
    made = {
        name: make_position(owner, title_en=f"{name} engineer", title_zh_hans=f"{name}工程师", owner=owner)
        for name in ("Open", "Held", "Closed")
    }
    position_transition(position=made["Held"], event="hold", actor=owner)
    position_transition(position=made["Closed"], event="close", actor=owner)
    return made


def form(**overrides):
    data = {
        "full_name": "Zhou Min",
        "email": "zhou.min@example.test",
        "phone": "",
        "source": "job_board",
        "source_detail": "",
        "privacy_acknowledged": "on",
        "privacy_notice_version": privacy_notice("en").version,
        "website": "",
        "resume": SimpleUploadedFile("cv.pdf", pdf_with_text(["Zhou Min"]), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_only_open_positions_are_listed_in_the_visitors_language(client, positions):
    english = client.get("/careers/")
    assert english.status_code == 200
    assert "Open engineer" in english.text
    assert "Held engineer" not in english.text and "Closed engineer" not in english.text
    chinese = client.get("/careers/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert "Open工程师" in chinese.text and "Held工程师" not in chinese.text


def test_a_position_page_says_how_it_hires_and_shows_the_notice(client, owner):
    position = make_position(
        owner,
        title_en="Mobile Engineer",
        owner=owner,
        interview_plan=[
            {"kind": "ai_video", "duration_minutes": 30},
            {"kind": "live_video", "duration_minutes": 60},
        ],
    )
    page = client.get(f"/careers/{position.pk}/")
    assert page.status_code == 200
    assert "AI video interview, 30 minutes" in page.text
    assert "Live video interview, 60 minutes" in page.text
    assert privacy_notice("en").title in page.text
    # Chinese only: the title falls back to the other language.
    chinese_only = make_position(owner, title_en="", title_zh_hans="测试工程师", owner=owner)
    assert "测试工程师" in client.get(f"/careers/{chinese_only.pk}/").text


def test_positions_not_open_are_not_there_and_take_no_application(client, positions):
    for name in ("Held", "Closed"):
        url = f"/careers/{positions[name].pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url, form()).status_code == 404
    assert not Candidate.objects.exists()


def test_an_application_lands_on_the_confirmation_and_is_stored(client, positions):
    url = f"/careers/{positions['Open'].pk}/"
    answer = client.post(url, form(), HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert answer.status_code == 302 and answer["Location"] == f"{url}applied/"
    application = Application.objects.get()
    assert application.candidate.full_name == "Zhou Min"
    assert Notification.objects.get(template="application_received").language == "zh-hans"
    assert "您的申请已送达" in client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="zh-Hans").text


def test_a_known_address_gets_the_same_confirmation(client, positions, owner):
    make_candidate(owner, email="zhou.min@example.test", full_name="Zhou Min")
    url = f"/careers/{positions['Open'].pk}/"
    first = client.post(url, form(full_name="Not Zhou"))
    second = client.post(url, form(full_name="Not Zhou"))
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert Candidate.objects.get().full_name == "Zhou Min"
    assert Application.objects.count() == 1


def test_the_form_names_the_fields_in_error_and_keeps_what_was_typed(client, positions):
    url = f"/careers/{positions['Open'].pk}/"
    answer = client.post(
        url,
        form(full_name="Zhou Min", email="zhou.min@", phone="+86 138", privacy_acknowledged="", resume=""),
    )
    assert answer.status_code == 400
    assert 'id="email-errors"' in answer.text
    assert 'id="privacy_acknowledged-errors"' in answer.text
    assert 'id="resume-errors"' in answer.text
    assert 'id="full_name-errors"' not in answer.text
    assert 'value="Zhou Min"' in answer.text and 'value="zhou.min@"' in answer.text
    assert 'value="+86 138"' in answer.text
    assert not Candidate.objects.exists()


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(client, positions):
    answer = client.post(f"/careers/{positions['Open'].pk}/", form(website="http://spam.example"))
    assert answer.status_code == 302
    assert not Candidate.objects.exists() and not Notification.objects.exists()


def test_too_many_applications_from_one_address_are_refused_with_a_message(client, positions, settings):
    settings.HRSUITE_INTAKE_PER_ADDRESS = 1
    url = f"/careers/{positions['Open'].pk}/"
    assert client.post(url, form(email="a@example.test")).status_code == 302
    refused = client.post(url, form(email="b@example.test"))
    assert refused.status_code == 429 and "Too many applications" in refused.text


def test_the_form_is_refused_without_its_csrf_token(positions):
    browser = Client(enforce_csrf_checks=True)
    url = f"/careers/{positions['Open'].pk}/"
    assert browser.post(url, form()).status_code == 403
    page = browser.get(url)
    token = page.cookies["csrftoken"].value
    assert "csrfmiddlewaretoken" in page.text
    assert browser.post(url, {**form(), "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.services
def test_the_form_works_while_redis_is_down(client, positions, redis_cache_proxy):
    redis_cache_proxy.cut()
    url = f"/careers/{positions['Open'].pk}/"
    assert client.get("/careers/").status_code == 200
    assert client.post(url, form()).status_code == 302
    assert Application.objects.count() == 1
