"""The candidate's interview page, opened from the invitation and reminder without signing in:
the interview in their language and zone, the tech check, the consent link, and choosing another
time a limited number of times, through a signed link that opens nothing else."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from hrsuite.formatting import format_time
from interviews import providers
from interviews.models import Interview
from interviews.notices import InterviewMessage
from interviews.services.candidate_links import INTERVIEW_LINK_SALT, consent_token, interview_token
from notifications.models import Notification
from notifications.rendering import render
from tests.factories import make_application, make_candidate
from tests.interviews.scheduling_helpers import SHANGHAI, frozen_clock, rows, schedule, shanghai

pytestmark = pytest.mark.usefixtures("clock")

_CJK = re.compile(r"[\u4e00-\u9fff]")
STARTS_AT = shanghai(2027, 3, 2, 10, 0)  # Tuesday; the clock stands at Monday 08:00 Shanghai


@pytest.fixture
def clock():
    yield from frozen_clock()


def _interview(
    recruiter, *, language="zh-hans", time_zone="Asia/Shanghai", region="CN", interviewers=(), **kw
):
    candidate = make_candidate(recruiter, preferred_language=language, time_zone=time_zone, region=region)
    return schedule(
        recruiter,
        application=make_application(recruiter, candidate=candidate),
        kind=kw.pop("kind", "ai_video"),
        starts_at=kw.pop("starts_at", STARTS_AT),
        interviewers=interviewers,
        **kw,
    )


def _url(interview=None, *, token=None):
    return reverse("portal-interview", args=[token or interview_token(interview=interview)])


def _offered(page: str) -> list[str]:
    return re.findall(r'name="slot" value="([^"]+)"', page)


def _page_reads(interview):
    candidate_id = interview.application.candidate_id
    return AuditEvent.objects.filter(
        action="view",
        candidate_id=candidate_id,
        actor_label=f"candidate-link:{candidate_id}",
        target_id=str(interview.pk),
        detail__page="interview",
    )


# --- Reading the page -----------------------------------------------------------------------------


def test_the_page_shows_the_interview_in_chinese_with_join_practice_and_consent_links(
    client, recruiter, interviewer
):
    interview = _interview(recruiter, language="zh-hans", interviewers=[interviewer])

    response = client.get(_url(interview))

    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans" and '<html lang="zh-Hans">' in page
    for words in ("您的面试", "AI 视频面试", "45 分钟", "摄像头：", "麦克风：", "网络：", "选择其他时间"):  # noqa: RUF001
        assert words in page, words
    assert "2027年3月2日（星期二）10:00（Asia/Shanghai 时间）" in page  # noqa: RUF001
    assert f'href="{interview.join_url}"' in page
    assert f'href="{providers.get("simulated").practice_url()}"' in page
    assert "Your interview" not in page and "Camera" not in page
    # The consent link on the page is the candidate's signed one, and it opens their consent page.
    consent = re.search(r'href="([^"]*/portal/consent/[^"]+/)"', page).group(1)
    assert client.get(urlparse(consent).path).status_code == 200
    # Three free times, in the candidate's zone and language, never the interview's own time.
    slots = _offered(page)
    assert len(slots) == 3 and STARTS_AT.isoformat() not in slots
    for slot in slots:
        assert format_time(datetime.fromisoformat(slot), zone=SHANGHAI, language="zh-hans") in page
    assert "您还可以在此更改 2 次时间。" in page

    read = _page_reads(interview).get()
    assert read.target_type == "interviews.interview"
    assert read.detail["slots"] == slots and read.detail["candidate_reschedules"] == 0


def test_the_page_speaks_english_to_an_english_speaking_candidate(client, recruiter):
    interview = _interview(recruiter, language="en")

    page = client.get(_url(interview)).content.decode()

    assert "Your interview for" in page and "AI video" in page and "45 minutes" in page
    assert "Tuesday 2 March 2027, 10:00 (Asia/Shanghai time)" in page
    assert "Camera: allow your browser" in page and "Open the practice page" in page
    assert "You can change the time here 2 more times." in page
    assert not _CJK.search(page)


def test_free_times_are_in_the_candidates_own_zone_and_business_hours(client, recruiter):
    berlin = ZoneInfo("Europe/Berlin")
    interview = _interview(
        recruiter,
        language="en",
        time_zone="Europe/Berlin",
        region="DE",
        starts_at=datetime(2027, 3, 2, 14, 0, tzinfo=berlin),
    )

    page = client.get(_url(interview)).content.decode()

    assert "Tuesday 2 March 2027, 14:00 (Europe/Berlin time)" in page
    slots = [datetime.fromisoformat(slot) for slot in _offered(page)]
    assert len(slots) == 3
    for slot in slots:
        assert format_time(slot, zone=berlin, language="en") in page
        assert 9 <= slot.astimezone(berlin).hour < 18


def test_free_times_skip_the_interviewers_other_interviews_read_once_for_every_try(
    client, recruiter, interviewer
):
    interview = _interview(recruiter, language="en", interviewers=[interviewer])
    with CaptureQueriesContext(connection) as free:
        first = _offered(client.get(_url(interview)).content.decode())
    # The interviewer is booked at the first two times offered: the page looks further.
    for slot in first[:2]:
        schedule(recruiter, starts_at=datetime.fromisoformat(slot), interviewers=[interviewer])

    with CaptureQueriesContext(connection) as booked:
        then = _offered(client.get(_url(interview)).content.decode())

    assert len(then) == 3 and not set(then) & set(first[:2])
    assert then[0] > first[0] and first[2] in then
    assert len(booked.captured_queries) == len(free.captured_queries)


def test_a_phone_interview_has_no_join_link_or_tech_check(client, recruiter):
    interview = _interview(recruiter, language="en", kind="phone")

    page = client.get(_url(interview)).content.decode()

    assert "Phone" in page and "Camera" not in page and "practice page" not in page
    assert "<dt>Join</dt>" not in page


# --- Choosing another time ------------------------------------------------------------------------


def test_choosing_a_time_moves_the_interview_with_a_new_invitation_and_reminder(
    client, recruiter, interviewer
):
    interview = _interview(recruiter, language="en", interviewers=[interviewer])
    candidate_id = interview.application.candidate_id
    old_reminders = rows(interview, InterviewMessage.REMINDER)
    url = _url(interview)
    slot = _offered(client.get(url).content.decode())[1]

    response = client.post(url, {"slot": slot})

    assert response.status_code == 302 and response["Location"] == f"{url}?moved=1"
    interview.refresh_from_db()
    new_start = datetime.fromisoformat(slot)
    assert interview.starts_at == new_start and interview.calendar_sequence == 1
    assert interview.status == Interview.Status.SCHEDULED
    # The old reminders (candidate and interviewer) are cancelled, new ones follow the new time.
    for old in old_reminders:
        old.refresh_from_db()
        assert old.status == Notification.Status.CANCELLED
    reminders = rows(interview, InterviewMessage.REMINDER)
    assert len(reminders) == 2
    assert {r.due_at for r in reminders} == {new_start - timedelta(minutes=15)}
    invitations = rows(interview, InterviewMessage.INVITATION)
    assert {(i.payload["sequence"], i.candidate_id is not None) for i in invitations} == {
        (1, True),
        (1, False),
    }
    assert all(i.payload["starts_at"] == new_start.isoformat() for i in invitations)
    moved = AuditEvent.objects.get(
        action="update", target_id=str(interview.pk), actor_label=f"candidate-link:{candidate_id}"
    )
    assert moved.detail["event"] == "reschedule" and moved.detail["starts_at_after"] == new_start.isoformat()

    page = client.get(response["Location"]).content.decode()
    assert "Your interview has been moved" in page
    assert format_time(new_start, zone=SHANGHAI, language="en") in page
    assert "You can change the time here once more." in page


def test_a_candidate_may_move_an_interview_only_as_often_as_the_setting_allows(client, recruiter, settings):
    assert settings.HRSUITE_CANDIDATE_RESCHEDULES_MAX == 2
    interview = _interview(recruiter, language="zh-hans")
    url = _url(interview)
    for _ in range(2):
        slot = _offered(client.get(url).content.decode())[0]
        assert client.post(url, {"slot": slot}).status_code == 302
    interview.refresh_from_db()
    moved_to, sequence = interview.starts_at, interview.calendar_sequence
    assert sequence == 2

    page = client.get(url).content.decode()
    assert not _offered(page) and "您在此页面更改时间的次数已达上限" in page
    refused = client.post(url, {"slot": (moved_to + timedelta(days=1)).isoformat()})

    assert refused.status_code == 409 and "您的面试已无法在此页面更改时间。" in refused.content.decode()
    interview.refresh_from_db()
    assert (interview.starts_at, interview.calendar_sequence) == (moved_to, sequence)

    settings.HRSUITE_CANDIDATE_RESCHEDULES_MAX = 3
    assert len(_offered(client.get(url).content.decode())) == 3


def test_moving_is_refused_once_the_reminder_is_due(client, recruiter, clock):
    interview = _interview(recruiter, language="en")
    url = _url(interview)
    clock.move_to(interview.starts_at - timedelta(minutes=16))
    slot = _offered(client.get(url).content.decode())[0]

    clock.move_to(interview.starts_at - timedelta(minutes=15))
    page = client.get(url).content.decode()
    refused = client.post(url, {"slot": slot})

    assert not _offered(page) and "Your interview starts soon" in page
    assert refused.status_code == 409 and "cannot be moved here any more" in refused.content.decode()
    interview.refresh_from_db()
    assert interview.starts_at == STARTS_AT and interview.calendar_sequence == 0
    assert f'href="{interview.join_url}"' in page  # still there to join


def test_a_time_that_was_not_offered_is_refused_and_nothing_changes(client, recruiter):
    interview = _interview(recruiter, language="en")
    url = _url(interview)

    # A Wednesday 15:00 in Shanghai: a valid time, but not one of those offered.
    response = client.post(url, {"slot": shanghai(2027, 3, 3, 15, 0).isoformat()})
    garbage = client.post(url, {"slot": "tomorrow"})

    assert response.status_code == 400 and garbage.status_code == 400
    assert "That time is no longer free" in response.content.decode()
    interview.refresh_from_db()
    assert interview.starts_at == STARTS_AT and interview.calendar_sequence == 0


def test_a_cancelled_interview_offers_no_join_link_and_no_other_time(client, recruiter):
    from interviews.services.scheduling import interview_cancel

    interview = _interview(recruiter, language="en")
    interview_cancel(interview=interview, reason="Position filled", actor=recruiter)

    page = client.get(_url(interview)).content.decode()

    assert "no longer scheduled (status: Cancelled)" in page
    assert "Choose another time" not in page and interview.join_url not in page


# --- The e-mails' links ---------------------------------------------------------------------------


def test_the_invitation_and_reminder_links_open_the_page_and_move_the_interview(client, recruiter):
    interview = _interview(recruiter, language="zh-hans")
    invitation, reminder = (
        Notification.objects.get(interview=interview, candidate__isnull=False, template=template)
        for template in (InterviewMessage.INVITATION, InterviewMessage.REMINDER)
    )
    links = []
    for message in (invitation, reminder):
        body = render(message).body
        found = re.findall(r"https?://\S+/portal/interviews/\S+/", body)
        assert len(found) == 1 and f"/portal/interviews/{interview.pk}/" not in body
        links.append(urlparse(found[0]).path)

    assert client.get(links[1]).status_code == 200
    page = client.get(links[0]).content.decode()
    assert client.post(links[0], {"slot": _offered(page)[2]}).status_code == 302
    interview.refresh_from_db()
    assert interview.calendar_sequence == 1


# --- Links that open nothing ----------------------------------------------------------------------


def test_tampered_foreign_and_mismatched_links_answer_404_and_store_nothing(client, recruiter):
    mine = _interview(recruiter, language="en")
    other = _interview(recruiter, language="en")
    token = interview_token(interview=mine)
    mismatched = signing.dumps(
        {"i": str(mine.pk), "c": str(other.application.candidate_id)}, salt=INTERVIEW_LINK_SALT
    )
    # The consent link's token is genuine, but signed for the consent page only.
    consent = consent_token(interview=mine)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    notifications = Notification.objects.count()
    for bad in (mismatched, consent, forged, "not-a-token", str(mine.pk)):
        url = _url(token=bad)
        read = client.get(url)
        post = client.post(url, {"slot": shanghai(2027, 3, 3, 10, 0).isoformat()})
        assert read.status_code == 404 and post.status_code == 404, bad
        assert "This link is not valid" in read.content.decode()
    mine.refresh_from_db()
    assert mine.calendar_sequence == 0 and Notification.objects.count() == notifications
    assert not AuditEvent.objects.filter(action="view").exists()


def test_an_expired_link_answers_410_in_the_candidates_language_and_stores_nothing(client, recruiter, clock):
    interview = _interview(recruiter, language="zh-hans", starts_at=shanghai(2027, 4, 6, 10, 0))
    url = _url(interview)
    clock.move_to(timezone.now() + timedelta(days=30, seconds=1))

    read = client.get(url)
    post = client.post(url, {"slot": shanghai(2027, 4, 7, 10, 0).isoformat()})

    assert read.status_code == 410 and post.status_code == 410
    assert "此链接已过期" in read.content.decode() and "最新一封邮件" in read.content.decode()
    interview.refresh_from_db()
    assert interview.calendar_sequence == 0
    assert not _page_reads(interview).exists()
