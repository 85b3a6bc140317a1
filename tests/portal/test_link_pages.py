"""The candidate's consent and reschedule pages, opened from their e-mails without signing in:
in their language and zone, the link the only credential, every read in the audit trail."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.personal import personal_opened
from hrsuite.formatting import format_time
from interviews.models import Consent, Incident, Interview, RescheduleOffer
from interviews.notices import InterviewMessage
from interviews.services import consent as consent_services
from interviews.services.candidate_links import CONSENT_LINK_SALT, consent_token
from interviews.services.incidents import incident_open
from notifications.models import Notification
from notifications.rendering import render
from tests.factories import make_application, make_candidate
from tests.interviews.scheduling_helpers import SHANGHAI, frozen_clock, schedule, shanghai

pytestmark = pytest.mark.usefixtures("clock")

_CJK = re.compile(r"[\u4e00-\u9fff]")
UA = "Mozilla/5.0 (iPhone; hrsuite test)"
IP = "203.0.113.7"


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def notices(db):
    return consent_services.default_notices_publish()


def _ai_interview(recruiter, *, language="zh-hans", interviewers=()):
    candidate = make_candidate(recruiter, preferred_language=language, time_zone="Asia/Shanghai")
    return schedule(
        recruiter,
        application=make_application(recruiter, candidate=candidate),
        kind="ai_video",
        starts_at=shanghai(2027, 3, 2, 10, 0),
        interviewers=interviewers,
    )


def _consent_url(interview=None, *, token=None):
    return reverse("portal-consent", args=[token or consent_token(interview=interview)])


def _page_reads(candidate, page):
    return AuditEvent.objects.filter(
        action="view",
        candidate_id=candidate.pk,
        actor_label=f"candidate-link:{candidate.pk}",
        detail__page=page,
    )


# --- Consent: reading the notice ------------------------------------------------------------------


def test_a_signed_link_shows_the_notice_in_chinese_to_a_chinese_speaking_candidate(
    client, recruiter, notices
):
    interview = _ai_interview(recruiter, language="zh-hans")
    candidate = interview.application.candidate

    response = client.get(_consent_url(interview))

    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans" and '<html lang="zh-Hans">' in page
    # The page's own strings, from locale/zh_Hans/LC_MESSAGES/django.po ...
    for words in ("隐私告知书", "单独同意：分析您的面部和声音（生物识别信息）", "我不同意。", "保存我的选择"):  # noqa: RUF001
        assert words in page
    # ... the Chinese notice with its version, and the time in the candidate's zone.
    assert "不进行情绪分析" in page and "AI 视频面试：告知与同意" in page  # noqa: RUF001
    assert "告知书版本 2026.1" in page
    assert "2027年3月2日（星期二）10:00（Asia/Shanghai 时间）" in page  # noqa: RUF001
    assert "Privacy notice" not in page
    # No choice is made for the candidate, and the form is protected against cross-site posts.
    assert "checked" not in page and "csrfmiddlewaretoken" in page
    assert 'name="viewport"' in page

    read = _page_reads(candidate, "consent").get()
    assert read.target_type == "interviews.consentnotice" and read.detail["notice_version"] == "2026.1"
    assert read.detail["interview"] == str(interview.pk) and read.detail["notice_language"] == "zh-hans"
    assert read.detail["consents"] == {"general": None, "biometric": None}


def test_a_signed_link_shows_the_notice_in_english_to_an_english_speaking_candidate(
    client, recruiter, notices
):
    interview = _ai_interview(recruiter, language="en")

    response = client.get(_consent_url(interview))

    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "en" and '<html lang="en">' in page
    assert "Privacy notice" in page and "no emotion analysis" in page and "I do not consent." in page
    assert "Tuesday 2 March 2027, 10:00 (Asia/Shanghai time)" in page
    assert not _CJK.search(page)
    assert _page_reads(interview.application.candidate, "consent").count() == 1


# --- Consent: deciding ----------------------------------------------------------------------------


def test_giving_general_and_refusing_biometric_stores_two_decisions_with_their_evidence(
    client, recruiter, notices
):
    interview = _ai_interview(recruiter, language="en")
    candidate = interview.application.candidate
    url = _consent_url(interview)

    response = client.post(
        url,
        {"general": "given", "biometric": "refused", "notice_version": "2026.1"},
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=UA,
    )

    assert response.status_code == 302 and response["Location"] == f"{url}?saved=1"
    rows = {c.scope: c for c in Consent.objects.select_related("notice").filter(interview=interview)}
    assert set(rows) == {"general", "biometric"}
    assert rows["general"].decision == "given" and rows["biometric"].decision == "refused"
    for row in rows.values():
        assert row.candidate_id == candidate.pk
        assert row.notice.version == "2026.1" and row.notice.language == "en"
        assert row.ip == IP and row.user_agent == UA
    events = AuditEvent.objects.filter(action="create", target_type="interviews.consent")
    assert {e.actor_label for e in events} == {f"candidate-link:{candidate.pk}"}
    # Without biometric consent a person interviews instead of the AI (consent_record's rule).
    interview.refresh_from_db()
    assert interview.kind == Interview.Kind.LIVE_VIDEO

    page = client.get(response["Location"]).content.decode()
    assert "Your answers are saved" in page
    assert "<strong>Given</strong>" in page and "<strong>Refused</strong>" in page
    assert 'value="withdrawn"' in page  # only the given consent can be withdrawn: one such choice
    assert page.count('value="withdrawn"') == 1


def test_a_given_consent_can_be_withdrawn_and_a_refused_one_cannot(client, recruiter, notices, clock):
    interview = _ai_interview(recruiter, language="zh-hans")
    url = _consent_url(interview)
    client.post(url, {"general": "given", "biometric": "refused", "notice_version": "2026.1"})
    # The latest decision per scope counts: decisions are apart in time, as people make them.
    clock.shift(timedelta(minutes=5))

    response = client.post(url, {"biometric": "withdrawn", "notice_version": "2026.1"})
    assert response.status_code == 400
    assert "只有您已作出的同意才能撤回。" in response.content.decode()

    response = client.post(url, {"general": "withdrawn", "notice_version": "2026.1"})
    assert response.status_code == 302
    assert consent_services.consent_state(interview=interview) == {
        "general": "withdrawn",
        "biometric": "refused",
    }
    assert Consent.objects.filter(interview=interview).count() == 3


def test_a_decision_on_an_old_notice_or_with_no_answer_is_refused_and_stores_nothing(
    client, recruiter, notices
):
    interview = _ai_interview(recruiter, language="en")
    url = _consent_url(interview)

    stale = client.post(url, {"general": "given", "notice_version": "2025.9"})
    empty = client.post(url, {"notice_version": "2026.1"})

    assert stale.status_code == 400 and "The notice has changed" in stale.content.decode()
    assert empty.status_code == 400 and "at least one of the two consents" in empty.content.decode()
    assert not Consent.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(recruiter, notices):
    interview = _ai_interview(recruiter, language="en")
    response = Client(enforce_csrf_checks=True).post(
        _consent_url(interview), {"general": "given", "notice_version": "2026.1"}
    )
    assert response.status_code == 403
    assert not Consent.objects.exists()


# --- Consent: links that open nothing -------------------------------------------------------------


def test_a_link_for_another_interview_or_a_tampered_one_answers_404_and_stores_nothing(
    client, recruiter, notices
):
    mine = _ai_interview(recruiter, language="zh-hans")
    other = _ai_interview(recruiter, language="zh-hans")
    token = consent_token(interview=mine)
    # Another interview's payload under this link's signature: the signature no longer matches.
    other_payload = consent_token(interview=other).split(":", 1)[0]
    swapped = other_payload + ":" + token.split(":", 1)[1]
    # A genuine signature over a pair that does not belong together (this interview, another candidate).
    mismatched = signing.dumps(
        {"i": str(mine.pk), "c": str(other.application.candidate_id)}, salt=CONSENT_LINK_SALT
    )
    # Signed by this project, but for something else (another salt).
    foreign = signing.dumps({"i": str(mine.pk), "c": str(mine.application.candidate_id)}, salt="other")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (swapped, mismatched, foreign, forged, "not-a-token", str(mine.pk)):
        url = _consent_url(token=bad)
        read = client.get(url)
        post = client.post(url, {"general": "given", "biometric": "given", "notice_version": "2026.1"})
        assert read.status_code == 404 and post.status_code == 404, bad
        assert "This link is not valid" in read.content.decode()
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_an_expired_link_answers_410_in_the_candidates_language_and_stores_nothing(
    client, recruiter, notices, clock
):
    interview = _ai_interview(recruiter, language="zh-hans")
    url = _consent_url(interview)
    clock.move_to(timezone.now() + timedelta(days=29))
    assert client.get(url).status_code == 200

    clock.move_to(timezone.now() + timedelta(days=1, seconds=1))
    read = client.get(url)
    post = client.post(url, {"general": "given", "notice_version": "2026.1"})

    assert read.status_code == 410 and post.status_code == 410
    assert "此链接已过期" in read.content.decode()
    assert not Consent.objects.exists()


# --- The e-mail's link ----------------------------------------------------------------------------


def test_the_consent_link_in_an_invitation_opens_the_candidates_consent_page(client, recruiter, notices):
    interview = _ai_interview(recruiter, language="en")
    invitation = Notification.objects.get(
        interview=interview, candidate__isnull=False, template=InterviewMessage.INVITATION
    )

    body = render(invitation).body

    links = re.findall(r"https?://\S+/portal/consent/\S+/", body)
    assert len(links) == 1 and f"/portal/consent/{interview.pk}/" not in body
    response = client.post(
        urlparse(links[0]).path, {"general": "given", "biometric": "given", "notice_version": "2026.1"}
    )
    assert response.status_code == 302
    assert consent_services.consent_complete(interview=interview)


# --- Reschedule -----------------------------------------------------------------------------------


def _failed_with_offer(recruiter, interviewer, *, language="zh-hans"):
    interview = _ai_interview(recruiter, language=language, interviewers=[interviewer])
    incident_open(
        interview=interview,
        kind="technical_issue",
        occurred_at=timezone.now(),
        details={"code": "ICE_FAILED"},
        actor="provider:simulated",
    )
    offer = RescheduleOffer.objects.get(interview=interview)
    message = Notification.objects.get(interview=interview, template=InterviewMessage.RESCHEDULE_OFFER)
    token = urlparse(message.secret_payload["offer_url"]).path.rstrip("/").rsplit("/", 1)[-1]
    assert message.secret_payload["offer_url"].endswith(reverse("portal-reschedule", args=[token]))
    return interview, offer, token


def test_the_reschedule_page_lists_the_offered_times_in_the_candidates_zone_and_language(
    client, recruiter, interviewer
):
    failed, offer, token = _failed_with_offer(recruiter, interviewer)

    response = client.get(reverse("portal-reschedule", args=[token]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "请为您的面试选择新的时间" in page and "确认此时间" in page
    for slot in offer.slots:
        assert f'value="{slot}"' in page
        assert format_time(datetime.fromisoformat(slot), zone=SHANGHAI, language="zh-hans") in page
    read = _page_reads(failed.application.candidate, "reschedule").get()
    assert read.target_id == str(offer.pk) and read.detail["slots"] == offer.slots


def test_choosing_a_time_schedules_the_new_interview_and_a_second_choice_answers_409(
    client, recruiter, interviewer
):
    failed, offer, token = _failed_with_offer(recruiter, interviewer, language="en")
    url = reverse("portal-reschedule", args=[token])
    slot = datetime.fromisoformat(offer.slots[1])

    response = client.post(url, {"slot": offer.slots[1]}, REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)

    assert response.status_code == 200
    page = response.content.decode()
    new = Interview.objects.exclude(pk=failed.pk).get(application=failed.application)
    assert new.starts_at == slot and new.status == Interview.Status.SCHEDULED
    assert "Your interview is booked" in page
    assert format_time(slot, zone=SHANGHAI, language="en") in page
    assert Incident.objects.get(interview=failed).resolution == Incident.Resolution.RESCHEDULED
    chosen = AuditEvent.objects.get(target_id=str(offer.pk), action="update")
    # Where they chose from is the candidate's own data: sealed under their key, not in detail.
    assert "ip" not in chosen.detail and IP not in chosen.personal
    assert personal_opened([chosen])[chosen.pk] == {"ip": IP, "user_agent": UA}

    again = client.post(url, {"slot": offer.slots[0]})
    assert again.status_code == 409 and "This link has been used" in again.content.decode()
    assert client.get(url).status_code == 409
    assert Interview.objects.filter(application=failed.application).count() == 2


def test_a_phone_offer_says_the_interview_is_by_phone(client, recruiter, interviewer):
    _failed, offer, token = _failed_with_offer(recruiter, interviewer, language="en")
    RescheduleOffer.objects.filter(pk=offer.pk).update(kind=RescheduleOffer.Kind.PHONE)

    page = client.get(reverse("portal-reschedule", args=[token])).content.decode()
    assert "Choose a time for your phone interview" in page and "we offer you a phone interview" in page

    response = client.post(reverse("portal-reschedule", args=[token]), {"slot": offer.slots[0]})
    assert response.status_code == 200 and "<dd>Phone</dd>" in response.content.decode()


def test_an_unoffered_time_is_refused_on_the_page_and_the_link_stays_usable(client, recruiter, interviewer):
    _failed, offer, token = _failed_with_offer(recruiter, interviewer)
    url = reverse("portal-reschedule", args=[token])

    response = client.post(url, {"slot": "2027-03-09T03:00:00+00:00"})

    assert response.status_code == 400 and "请从所提供的时间中选择一个。" in response.content.decode()
    offer.refresh_from_db()
    assert offer.chosen_at is None
    assert client.get(url).status_code == 200


def test_a_time_taken_since_it_was_offered_says_so_on_the_page_by_its_code(client, recruiter, interviewer):
    _failed, offer, token = _failed_with_offer(recruiter, interviewer, language="en")
    url = reverse("portal-reschedule", args=[token])
    # Another interview takes the interviewer's first offered time meanwhile.
    schedule(recruiter, starts_at=datetime.fromisoformat(offer.slots[0]), interviewers=[interviewer])

    response = client.post(url, {"slot": offer.slots[0]})

    assert response.status_code == 409
    assert "That time has just been taken. Please choose another one." in response.content.decode()
    offer.refresh_from_db()
    assert offer.chosen_at is None
    # The API's answer carries the same code the page chose its message by.
    api = client.post(
        reverse("reschedule-offer", args=[token]), {"slot": offer.slots[0]}, content_type="application/json"
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "slot_taken"


def test_unknown_and_expired_reschedule_links_answer_404_and_410(client, recruiter, interviewer, clock):
    failed, offer, token = _failed_with_offer(recruiter, interviewer)
    unknown = client.get(reverse("portal-reschedule", args=["not-a-token"]))
    assert unknown.status_code == 404 and "This link is not valid" in unknown.content.decode()

    clock.move_to(timezone.now() + timedelta(hours=72, seconds=1))
    url = reverse("portal-reschedule", args=[token])
    read = client.get(url)
    post = client.post(url, {"slot": offer.slots[0]})
    assert read.status_code == 410 and post.status_code == 410
    assert "此链接已过期" in read.content.decode()
    assert Interview.objects.filter(application=failed.application).count() == 1
