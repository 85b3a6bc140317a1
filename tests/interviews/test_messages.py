"""Every message renders in both languages, in the reader's zone, with nothing left unfilled."""

import datetime
import re

import icalendar
import pytest

from interviews.emails import calendar_file, calendar_uid
from interviews.models import Interview
from notifications.registry import template_choices
from notifications.rendering import message_id, render
from tests.interviews.outbox_helpers import assign, queue, schedule

pytestmark = pytest.mark.django_db

_CJK = re.compile(r"[\u4e00-\u9fff]")
SLOTS = ["2031-03-05T02:00:00+00:00", "2031-03-06T07:30:00+00:00"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("template", [name for name, _label in template_choices()])
def test_every_template_renders_for_candidate_and_user(recruiter, interviewer, template, language):
    interviewer.preferred_language = language
    interviewer.save(update_fields=["preferred_language"])
    interview = schedule(recruiter, language=language)
    assign(interview, interviewer, recruiter)
    payload = {"starts_at": interview.starts_at.isoformat(), "sequence": 0, "slots": SLOTS}
    for recipient in (None, interviewer):
        notification = queue(
            template,
            interview,
            recipient=recipient,
            payload=payload,
            secret_payload={"offer_url": "https://o.test/x"},
        )
        message = render(notification)
        text = message.body
        assert message.subject and "\n" not in message.subject
        assert "{" not in text and "}" not in text and "None" not in text
        assert bool(_CJK.search(message.subject + text)) is (language == "zh-hans")
        assert message.extra_headers["Message-ID"] == message_id(notification)
        html = message.alternatives[0][0]
        assert html.startswith("<!DOCTYPE html>") and message.subject.replace("&", "&amp;") in html


def test_offer_slots_are_shown_in_the_candidates_zone(recruiter):
    interview = schedule(recruiter, language="zh-hans", time_zone="Asia/Shanghai")
    notification = queue(
        "reschedule_offer",
        interview,
        payload={"slots": SLOTS},
        secret_payload={"offer_url": "https://o.test/abc"},
    )
    body = render(notification).body
    assert "2031年3月5日（星期三）10:00（Asia/Shanghai 时间）" in body  # noqa: RUF001
    assert "2031年3月6日（星期四）15:30（Asia/Shanghai 时间）" in body  # noqa: RUF001
    assert "https://o.test/abc" in body


def test_an_interviews_messages_use_the_zone_it_was_booked_in_like_its_page(recruiter):
    """The candidate has since moved to Berlin; the interview was booked in Shanghai time, and its
    page shows Shanghai time, so its e-mails do too."""
    interview = schedule(recruiter, language="zh-hans", time_zone="Europe/Berlin")
    Interview.objects.filter(pk=interview.pk).update(candidate_time_zone="Asia/Shanghai")
    interview.refresh_from_db()
    notification = queue(
        "reschedule_offer",
        interview,
        payload={"slots": SLOTS},
        secret_payload={"offer_url": "https://o.test/abc"},
    )
    body = render(notification).body
    assert "2031年3月5日（星期三）10:00（Asia/Shanghai 时间）" in body  # noqa: RUF001
    assert "Europe/Berlin" not in body


def test_message_id_is_stable_per_idempotency_key(recruiter):
    interview = schedule(recruiter, starts_at=None)
    first = queue("invitation", interview)
    again = queue("invitation", interview)  # same key: the same row
    other = queue("reminder", interview, due_at=interview.starts_at - datetime.timedelta(minutes=15))
    assert first.pk == again.pk
    assert message_id(first) == message_id(again) != message_id(other)
    assert re.fullmatch(r"<[0-9a-f]{32}@hrsuite>", message_id(first))


def _offer_message(recruiter, template, *, language, **terms):
    from notifications.services.outbox import notification_queue
    from tests.factories import make_hire

    offer = make_hire(recruiter, send=False, **terms)
    candidate = offer.application.candidate
    candidate.preferred_language, candidate.time_zone = language, "Asia/Shanghai"
    candidate.save(update_fields=["preferred_language", "time_zone"])
    notification = notification_queue(
        template=template,
        key=f"test:{template}:{offer.pk}",
        candidate=candidate,
        payload={"offer": str(offer.pk)},
    )
    return offer, render(notification)


@pytest.mark.parametrize("template", ["offer_sent", "onboarding_notice", "offer_cancelled"])
def test_offer_messages_name_the_terms_in_the_candidates_zone_and_never_the_salary(recruiter, template):
    recruiter.first_name, recruiter.last_name = "Mei", "Lin"
    recruiter.save(update_fields=["first_name", "last_name"])
    offer, message = _offer_message(
        recruiter,
        template,
        language="zh-hans",
        start_date="2031-03-03",
        expires_at="2031-02-20T09:00:00+00:00",
    )
    text = message.subject + message.body
    assert "420000" not in text and "420,000" not in text
    assert "{" not in text and "None" not in text
    assert recruiter.email in text
    if template != "offer_cancelled":
        assert "2031年3月3日（星期一）" in text  # noqa: RUF001
        assert "Shanghai office" in text
    if template == "offer_sent":
        assert "2031年2月20日（星期四）17:00（Asia/Shanghai 时间）" in text  # noqa: RUF001
        # The signed link, not the guessable offer id.
        assert "/portal/offers/" in text and f"/portal/offers/{offer.pk}/" not in text


def test_offer_withdrawn_uses_the_text_hr_set_for_the_language(recruiter):
    from onboarding.models import CandidateMessageText

    CandidateMessageText.objects.create(
        key="offer_cancelled", language="en", subject="About {position}", body="Dear {name},\nWe are sorry."
    )
    offer, message = _offer_message(recruiter, "offer_cancelled", language="en")
    assert message.subject == f"About {offer.position.title}"
    assert message.body.startswith(f"Dear {offer.application.candidate.full_name},\nWe are sorry.")
    _, chinese = _offer_message(recruiter, "offer_cancelled", language="zh-hans")
    assert "已撤回" in chinese.subject  # no Chinese text set: the built-in one


def test_a_long_calendar_entry_is_folded_and_reads_back_as_written(recruiter):
    interview = schedule(recruiter, language="zh-hans")
    title = "后端工程师, 北京; 总部 \\ 研发 " * 4  # commas, semicolons and a backslash to escape
    interview.application.position.title_zh_hans = title
    notification = queue("invitation", interview)
    name = 'Wang, "Wei"; 王伟'

    ics = calendar_file(notification, email="wei@example.test", name=name)

    assert max(len(line) for line in ics.split(b"\r\n")) <= 75
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["summary"]) == f"面试：{title}"  # noqa: RUF001
    assert event["attendee"].params["cn"] == name
    assert str(event["uid"]) == calendar_uid(interview)
