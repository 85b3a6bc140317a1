"""The signed-in candidate portal: the sign-in link by e-mail, the home page with only the
candidate's own records, released results, the way to the token pages, and a phone-sized browser."""

import datetime
import io
import re
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.notices import AccountMessage
from audit.models import AuditAction, AuditEvent
from candidates.services.portal_accounts import candidate_portal_invite
from demo.management.commands.seed_demo import DEFAULT_PASSWORD
from hrsuite.formatting import format_time
from hrsuite.logging import redact_link_tokens
from interviews.models import AIAssessment, Consent, Interview
from interviews.services.consent import consent_record, notice_current
from interviews.services.interviews import interview_results_release
from interviews.services.reviews import human_review_create
from notifications.models import Notification
from notifications.services.outbox import outbox_dispatch
from onboarding.services.offers import offer_answer
from tests.browser import sign_in
from tests.factories import (
    application_awaiting_decision,
    assessment_payload,
    make_application,
    make_candidate,
    make_hire,
    make_interview,
    make_position,
    receive_assessment,
)

PORTAL = "/portal/"
STRONG = "quiet-harbour-lantern-47"


def portal_candidate(recruiter, **data):
    """A candidate invited to the portal (their account made and linked)."""
    candidate = make_candidate(recruiter, **data)
    candidate_portal_invite(candidate=candidate, actor=recruiter)
    candidate.refresh_from_db()
    return candidate


def interview_of(recruiter, candidate, *, title=None, starts_in=datetime.timedelta(days=3), kind="ai_video"):
    position = make_position(recruiter, **({"title_en": title} if title else {}))
    application = make_application(recruiter, candidate=candidate, position=position)
    return make_interview(recruiter, application=application, starts_in=starts_in, kind=kind)


def released_result(recruiter, interview, *, release=True) -> AIAssessment:
    assessment = receive_assessment(interview, actor="provider:simulated")
    if release:
        interview_results_release(interview=interview, actor=recruiter)
    return assessment


def link_path(notification) -> str:
    return urlparse(notification.secret_payload["portal_url"]).path


def ask_for_link(client, email, **extra):
    return client.post(reverse("portal-sign-in"), {"email": email}, **extra)


# --- Sign-in by e-mail -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sign_in_page_answers_alike_for_known_and_unknown_addresses(client, recruiter):
    candidate = portal_candidate(recruiter, email="known@example.test")
    make_candidate(recruiter, email="no-account@example.test")  # a candidate never invited

    answers = [ask_for_link(client, email) for email in ("Known@Example.test", "no-account@example.test")]
    answers.append(ask_for_link(client, "stranger@example.test"))

    assert {(a.status_code, a.url) for a in answers} == {(302, f"{reverse('portal-sign-in')}?sent=1")}
    page = client.get(answers[0].url)
    assert "If this address belongs to a candidate portal account" in page.text
    sent = Notification.objects.filter(template=AccountMessage.PORTAL_SIGN_IN_LINK)
    assert list(sent.values_list("candidate_id", flat=True)) == [candidate.pk]
    assert sent.get().payload == {"valid_for_minutes": 15}


@pytest.mark.django_db
def test_a_sign_in_link_shows_a_button_and_signs_in_once(client, recruiter):
    candidate = portal_candidate(recruiter, email="once@example.test")
    ask_for_link(client, "once@example.test")
    path = link_path(Notification.objects.get(template="portal_sign_in_link"))

    # A mail scanner's fetches change nothing.
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200 and SESSION_KEY not in client.session
        assert re.search(r'<button type="submit">Sign in</button>', page.text)
    response = client.post(path)

    assert response.status_code == 302 and response.url == reverse("portal-home")
    assert client.session[SESSION_KEY] == str(candidate.user.pk)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=candidate.user).count() == 1
    client.logout()
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_sign_in_link_expires_after_fifteen_minutes(client, recruiter):
    portal_candidate(recruiter, email="late@example.test")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        ask_for_link(client, "late@example.test")
        path = link_path(Notification.objects.get(template="portal_sign_in_link"))
        clock.move_to(start + datetime.timedelta(minutes=14, seconds=59))
        assert client.get(path).status_code == 200
        clock.move_to(start + datetime.timedelta(minutes=15, seconds=1))
        late = client.post(path)

    assert late.status_code == 410 and "expired" in late.text
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_sign_in_links_are_rate_limited_per_address_and_per_client(client, recruiter):
    portal_candidate(recruiter, email="busy@example.test")

    answers = [ask_for_link(client, "busy@example.test").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert Notification.objects.filter(template="portal_sign_in_link").count() == 3

    # From one client address, many different addresses are refused too...
    answers = [ask_for_link(client, f"guess{n}@example.test").status_code for n in range(7)]
    assert answers == [302] * 6 + [429]
    refused = ask_for_link(client, "guess99@example.test")
    assert refused.status_code == 429 and "Too many sign-in links" in refused.text
    # ...while another client is still served.
    assert ask_for_link(client, "other@example.test", REMOTE_ADDR="10.1.2.3").status_code == 302


@pytest.mark.django_db
def test_a_blank_address_is_a_field_error(client):
    response = ask_for_link(client, "  ")
    assert response.status_code == 400 and 'aria-invalid="true"' in response.text


@pytest.mark.django_db
def test_the_sign_in_email_reaches_a_real_smtp_server_and_its_link_signs_in(client, recruiter, smtp_server):
    candidate = portal_candidate(recruiter, email="smtp@example.test", preferred_language="zh-hans")
    Notification.objects.update(status=Notification.Status.SENT)  # the invitation went out before
    ask_for_link(client, "smtp@example.test")

    assert outbox_dispatch().sent == 1

    (message,) = smtp_server.sink.messages
    assert message["To"] == "smtp@example.test" and "登录链接" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "15 分钟" in body
    (link,) = re.findall(r"https?://\S+/portal/sign-in/\S+/", body)
    assert client.post(urlparse(link).path).status_code == 302
    assert client.session[SESSION_KEY] == str(candidate.user.pk)


def test_link_tokens_of_the_portal_stay_out_of_the_logs():
    assert redact_link_tokens("Bad Request: /portal/welcome/MTI/cd4x1k-0f3a9b/") == (
        "Bad Request: /portal/welcome/MTI/[redacted]/"
    )
    assert redact_link_tokens('"GET /portal/sign-in/MTI/cd4x1k-0f3a9b/ HTTP/1.1"') == (
        '"GET /portal/sign-in/MTI/[redacted]/ HTTP/1.1"'
    )
    assert redact_link_tokens("GET /portal/sign-in/?sent=1") == "GET /portal/sign-in/?sent=1"


# --- The portal home -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_portal_home_shows_only_the_candidates_own_records(client, recruiter):
    mine = portal_candidate(recruiter, full_name="Ada Mine", preferred_language="en")
    theirs = portal_candidate(recruiter, full_name="Bo Theirs", preferred_language="en")
    own_interview = interview_of(recruiter, mine, title="Own Interview Role")
    interview_of(recruiter, theirs, title="Foreign Interview Role")
    make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=mine))
    foreign_offer = make_hire(
        recruiter, application=application_awaiting_decision(recruiter, candidate=theirs)
    )
    client.force_login(mine.user)

    page = client.get(PORTAL)

    assert page.status_code == 200
    assert "Own Interview Role" in page.text and "Hello Ada Mine" in page.text
    assert "Foreign Interview Role" not in page.text and "Bo Theirs" not in page.text
    assert reverse("portal-open-interview", args=[own_interview.pk]) in page.text
    assert reverse("portal-open-offer", args=[foreign_offer.pk]) not in page.text
    assert "Accept or decline your offer" in page.text
    listed = AuditEvent.objects.get(action=AuditAction.LIST, actor=mine.user)
    assert (listed.target_type, listed.target_id) == ("candidates.candidate", str(mine.pk))
    assert listed.candidate_id == mine.pk
    assert listed.detail["shown"]["interviews.interview"] == [str(own_interview.pk)]


@pytest.mark.django_db
def test_interviews_show_in_the_candidates_zone_with_join_link_and_tech_check(client, recruiter):
    candidate = portal_candidate(recruiter, time_zone="America/Chicago", preferred_language="en")
    interview = interview_of(recruiter, candidate)
    client.force_login(candidate.user)

    page = client.get(PORTAL).text

    in_utc = format_time(interview.starts_at, zone=ZoneInfo("UTC"), language="en")
    assert "America/Chicago" in page and in_utc not in page
    assert format_time(interview.starts_at, zone=ZoneInfo("America/Chicago"), language="en") in page
    assert interview.join_url and interview.join_url in page
    assert "Check your setup beforehand" in page and "Not answered yet" in page


@pytest.mark.django_db
def test_results_are_hidden_until_hr_releases_them(client, recruiter):
    candidate = portal_candidate(recruiter, preferred_language="en")
    interview = interview_of(recruiter, candidate, starts_in=datetime.timedelta(days=-1))
    assessment = released_result(recruiter, interview, release=False)
    client.force_login(candidate.user)
    result_url = reverse("portal-result", args=[assessment.pk])

    assert result_url not in client.get(PORTAL).text
    assert client.get(result_url).status_code == 404

    interview_results_release(interview=interview, actor=recruiter)
    assert result_url in client.get(PORTAL).text
    result = client.get(result_url)
    assert result.status_code == 200 and "Overall score" in result.text and ">78 <" in result.text
    assert "Problem solving" in result.text and "width:76%" in result.text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, target_id=str(assessment.pk), actor=candidate.user
    ).exists()


@pytest.mark.django_db
def test_a_result_shows_the_reviewers_corrected_score_and_no_reasons(client, recruiter):
    candidate = portal_candidate(recruiter, preferred_language="en")
    assessment = released_result(
        recruiter, interview_of(recruiter, candidate, starts_in=datetime.timedelta(days=-1))
    )
    human_review_create(
        dimension_score=assessment.dimensions.get(dimension="communication"),
        outcome="override",
        score=88,
        reason="Private note: the audio dropped twice.",
        actor=recruiter,
    )
    client.force_login(candidate.user)

    page = client.get(reverse("portal-result", args=[assessment.pk])).text

    assert "width:88%" in page and "width:80%" not in page
    assert "Private note" not in page and "I led the migration" not in page


REVIEWED = "A person on the recruiting team reviewed this assessment before releasing it to you"
RELEASED = "The recruiting team released these scores to you"


@pytest.mark.django_db
def test_the_result_says_a_person_reviewed_it_only_when_one_did_before_the_release(client, recruiter):
    candidate = portal_candidate(recruiter, preferred_language="en")
    past = datetime.timedelta(days=-1)
    unreviewed = released_result(recruiter, interview_of(recruiter, candidate, starts_in=past))
    flagged = receive_assessment(
        interview_of(recruiter, candidate, starts_in=past), assessment_payload(confidence=0.3)
    )
    for assessment in (flagged, unreviewed):
        human_review_create(
            dimension_score=assessment.dimensions.first(),
            outcome="confirm",
            reason="Clear answers.",
            actor=recruiter,
        )
    interview_results_release(interview=flagged.interview, actor=recruiter)
    client.force_login(candidate.user)

    reviewed_page = client.get(reverse("portal-result", args=[flagged.pk])).text
    assert REVIEWED in reviewed_page and RELEASED not in reviewed_page
    # Reviewed only after it was released: the page does not claim a review before release.
    released_page = client.get(reverse("portal-result", args=[unreviewed.pk])).text
    assert RELEASED in released_page and REVIEWED not in released_page
    for page in (reviewed_page, released_page):
        assert "never your face, voice or emotions" in page and "no decision is made by the AI alone" in page


@pytest.mark.django_db
def test_another_candidates_result_and_objects_are_not_found(client, recruiter):
    mine = portal_candidate(recruiter)
    theirs = portal_candidate(recruiter)
    foreign_interview = interview_of(recruiter, theirs, starts_in=datetime.timedelta(days=-1))
    foreign_result = released_result(recruiter, foreign_interview)
    foreign_offer = make_hire(
        recruiter, application=application_awaiting_decision(recruiter, candidate=theirs)
    )
    client.force_login(mine.user)

    for url in (
        reverse("portal-result", args=[foreign_result.pk]),
        reverse("portal-open-interview", args=[foreign_interview.pk]),
        reverse("portal-open-consent", args=[foreign_interview.pk]),
        reverse("portal-open-offer", args=[foreign_offer.pk]),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_other_roles_are_refused_and_visitors_sent_to_sign_in(client, recruiter, hr_admin, interviewer):
    for user in (recruiter, hr_admin, interviewer):
        client.force_login(user)
        assert client.get(PORTAL).status_code == 403
    client.logout()
    response = client.get(PORTAL)
    assert response.status_code == 302
    assert response.url == f"{reverse('portal-sign-in')}?next=/portal/"


@pytest.mark.django_db
def test_the_portal_leads_to_the_token_pages_with_fresh_links(client, recruiter):
    candidate = portal_candidate(recruiter, preferred_language="en")
    interview = interview_of(recruiter, candidate, title="Token Role")
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    client.force_login(candidate.user)

    for name, obj, page in (
        ("portal-open-interview", interview, "interviews"),
        ("portal-open-consent", interview, "consent"),
        ("portal-open-offer", offer, "offers"),
    ):
        response = client.get(reverse(name, args=[obj.pk]))
        assert response.status_code == 302 and re.fullmatch(rf"/portal/{page}/[^/]+/", response.url)
        assert client.get(response.url).status_code == 200, name
    offer_answer(offer=offer, accept=True, actor=candidate.user)
    plan = offer.onboarding_plan
    response = client.get(reverse("portal-open-onboarding", args=[plan.pk]))
    assert response.status_code == 302 and client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_portal_home_reads_in_a_fixed_number_of_queries(client, recruiter, django_assert_num_queries):
    candidate = portal_candidate(recruiter, preferred_language="en")
    first = interview_of(recruiter, candidate, starts_in=datetime.timedelta(days=-2))
    released_result(recruiter, first)
    notice = notice_current(language="en")
    consent_record(
        interview=first,
        scope=Consent.Scope.GENERAL,
        decision="given",
        notice_version=notice.version,
        actor=candidate.user,
    )
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    offer_answer(offer=offer, accept=True, actor=candidate.user)
    client.force_login(candidate.user)

    # The results' scores and reviews and the tasks' documents are not read: the page links to them.
    with django_assert_num_queries(16):
        assert client.get(PORTAL).status_code == 200

    for days in (1, 2, 3):
        extra = interview_of(recruiter, candidate, starts_in=datetime.timedelta(days=days))
        consent_record(
            interview=extra,
            scope=Consent.Scope.BIOMETRIC,
            decision="given",
            notice_version=notice.version,
            actor=candidate.user,
        )
    assert Interview.objects.filter(application__candidate=candidate).count() == 4
    with django_assert_num_queries(16):
        page = client.get(PORTAL)
    assert page.text.count("Open interview page") == 4


@pytest.mark.django_db
def test_portal_home_in_chinese(client, recruiter):
    candidate = portal_candidate(recruiter, preferred_language="zh-hans", time_zone="Asia/Shanghai")
    interview = interview_of(recruiter, candidate)
    client.force_login(candidate.user)

    page = client.get(PORTAL)

    assert page["Content-Language"] == "zh-hans"
    assert "您的面试" in page.text and "改期" in page.text and "Asia/Shanghai" in page.text
    shanghai = format_time(interview.starts_at, zone=ZoneInfo("Asia/Shanghai"), language="zh-hans")
    assert shanghai in page.text and "Your interviews" not in page.text


@pytest.mark.django_db
def test_the_demo_candidate_signs_in_and_sees_their_released_result(client, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # still loaded once

    assert client.login(username="candidate1", password=DEFAULT_PASSWORD)
    page = client.get(PORTAL)

    released = AIAssessment.objects.get(
        interview__results_released_at__isnull=False,
        interview__application__candidate__user__username="candidate1",
    )
    # In the candidate's language: the position's Chinese title, the dimensions' Chinese labels.
    assert page.status_code == 200 and "高级后端工程师" in page.text
    assert reverse("portal-result", args=[released.pk]) in page.text
    result = client.get(reverse("portal-result", args=[released.pk]))
    assert result.status_code == 200 and "问题解决" in result.text and "problem_solving" not in result.text


# --- In a real browser, at phone width -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_browser_invitation_to_password_to_portal_to_reschedule_on_a_phone(browser_page, recruiter):
    candidate = make_candidate(
        recruiter, full_name="Rosa Vega", preferred_language="en", time_zone="America/Chicago"
    )
    upcoming = interview_of(
        recruiter, candidate, title="Field Engineer", starts_in=datetime.timedelta(days=5)
    )
    past = interview_of(
        recruiter, candidate, title="Field Engineer II", starts_in=datetime.timedelta(days=-2)
    )
    released_result(recruiter, past)
    invitation = candidate_portal_invite(candidate=candidate, actor=recruiter)
    page = browser_page(phone=True)

    page.goto(link_path(invitation))
    page.get_by_label("New password", exact=True).fill(STRONG)
    page.get_by_label("New password again").fill(STRONG)
    page.get_by_role("button", name="Set my password and open the portal").click()

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", name="Hello Rosa Vega")).to_be_visible()
    expect(page.get_by_text("Your password is set.")).to_be_visible()
    when = format_time(upcoming.starts_at, zone=ZoneInfo("America/Chicago"), language="en")
    expect(page.get_by_text(when)).to_be_visible()
    expect(page.get_by_text("America/Chicago").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="See your result").click()
    expect(page.get_by_role("heading", name="Your interview result")).to_be_visible()
    expect(page.get_by_text("Communication")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.go_back()

    page.get_by_role("article", name=re.compile("Field Engineer$")).get_by_role(
        "link", name="Reschedule"
    ).click()
    expect(page).to_have_url(re.compile(r"/portal/interviews/[^/]+/$"))
    expect(page.get_by_role("heading", name="Your interview for Field Engineer")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_browser_candidate_typing_another_candidates_result_gets_not_found(browser_page, recruiter):
    mine = portal_candidate(recruiter, preferred_language="en")
    theirs = portal_candidate(recruiter)
    foreign = released_result(
        recruiter, interview_of(recruiter, theirs, starts_in=datetime.timedelta(days=-1))
    )
    page = browser_page(phone=True)
    sign_in(page, mine.user)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    response = page.goto(reverse("portal-result", args=[foreign.pk]))

    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
