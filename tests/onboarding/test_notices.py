"""Messages of the offer and check steps: queued once, re-checked at send time, in the
candidate's language, with HR's own wording where HR set one."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services.outbox import outbox_dispatch
from onboarding.models import CandidateMessageText, HRTask, Offer
from onboarding.providers import CheckEvent
from onboarding.services import notices, offers
from onboarding.services.checks import check_webhook_apply
from tests.factories import make_hire

pytestmark = pytest.mark.django_db


def _hire(recruiter, *, language="zh-hans", send=True):
    offer = make_hire(recruiter, send=False)
    candidate = offer.application.candidate
    candidate.preferred_language = language
    candidate.save(update_fields=["preferred_language"])
    if send:
        offers.offer_submit(offer=offer, approvers=[], actor=recruiter)
        offers.offer_send(offer=offer, actor=recruiter)
        offer.refresh_from_db()
    return offer


def _outcome(check, event_type, event_id):
    from django.utils import timezone

    event = CheckEvent(
        event_id=event_id,
        event_type=event_type,
        check_id=check.provider_check_id,
        occurred_at=timezone.now(),
        data={},
    )
    return check_webhook_apply(provider_name="simulated", event=event)


def _finish_check(offer, outcome):
    check = offer.background_checks.get()
    _outcome(check, "started", f"{check.pk}-s")
    _outcome(check, outcome, f"{check.pk}-o")
    return check


def _to_candidate(offer, template):
    return Notification.objects.filter(candidate=offer.application.candidate, template=template)


def _recruiter_messages(template):
    return Notification.objects.filter(recipient_user__isnull=False, template=template)


def test_sending_an_offer_tells_the_candidate_with_the_portal_link(recruiter, smtp_server):
    offer = _hire(recruiter, language="en")
    (told,) = _to_candidate(offer, "offer_sent")
    assert told.payload == {"offer": str(offer.pk)} and told.language == "en"
    assert outbox_dispatch().sent >= 1
    (message,) = [m for m in smtp_server.sink.messages if m["To"] == offer.application.candidate.email]
    text = message.get_body(preferencelist=("plain",)).get_content()
    # The signed link, not the guessable offer id.
    assert "/portal/offers/" in text and f"/portal/offers/{offer.pk}/" not in text
    assert "Shanghai office" in text
    assert "420000" not in text


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Please bring on your first day"), ("zh-hans", "入职当天请携带")]
)
def test_a_passed_check_sends_the_onboarding_notice_once_in_the_candidates_language(
    recruiter, smtp_server, language, words
):
    offer = _hire(recruiter, language=language)
    check = _finish_check(offer, "passed")
    check.refresh_from_db()
    assert check.status == "passed"
    assert (
        notices.onboarding_notice_queue(offer=offer).pk == _to_candidate(offer, "onboarding_notice").get().pk
    )
    (notice,) = _to_candidate(offer, "onboarding_notice")
    assert notice.language == language
    outbox_dispatch()
    notice.refresh_from_db()
    assert notice.status == "sent"
    texts = [m.get_body(preferencelist=("plain",)).get_content() for m in smtp_server.sink.messages]
    (text,) = [t for t in texts if words in t]
    assert recruiter.email in text and "Shanghai office" in text and "420000" not in text


def test_an_onboarding_notice_for_an_offer_cancelled_meanwhile_is_not_sent(recruiter, smtp_server):
    offer = _hire(recruiter)
    _finish_check(offer, "passed")
    offers.offer_cancel(offer=offer, actor=recruiter)
    outbox_dispatch()
    (notice,) = _to_candidate(offer, "onboarding_notice")
    assert notice.status == "cancelled" and "cancelled" in notice.last_error


def test_a_failed_check_cancels_the_offer_tells_hr_and_the_candidate_in_hrs_words(recruiter, smtp_server):
    CandidateMessageText.objects.create(
        key="offer_cancelled",
        language="zh-hans",
        subject="关于{position}",
        body="{name}：很抱歉。",  # noqa: RUF001
    )
    offer = _hire(recruiter)
    _finish_check(offer, "failed")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.CANCELLED
    assert _recruiter_messages("check_failed").get().payload["offer_cancelled"] is True
    (told,) = _to_candidate(offer, "offer_cancelled")
    outbox_dispatch()
    told.refresh_from_db()
    assert told.status == "sent"
    (message,) = [m for m in smtp_server.sink.messages if str(m["Subject"]).startswith("关于")]
    assert str(message["Subject"]) == f"关于{offer.position.title}"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{offer.application.candidate.full_name}：很抱歉。" in text  # noqa: RUF001


def test_a_draft_cancelled_by_a_failed_check_is_not_announced_to_the_candidate(recruiter):
    offer = _hire(recruiter, send=False)
    _finish_check(offer, "failed")
    assert not _to_candidate(offer, "offer_cancelled").exists()
    assert _recruiter_messages("check_failed").exists()


def test_an_inconclusive_check_opens_an_hr_task_and_tells_recruiters(recruiter):
    offer = _hire(recruiter)
    _finish_check(offer, "inconclusive")
    task = HRTask.objects.get(application=offer.application)
    told = _recruiter_messages("hr_task_opened").get()
    assert told.payload["hr_task"] == str(task.pk)
    assert not _recruiter_messages("review_needed").exists()


def test_recruiters_set_candidate_texts_hr_admin_reads_others_see_nothing(
    api, recruiter, hr_admin, interviewer, candidate_user
):
    url = reverse("candidate-message-text-list")
    body = {"key": "offer_cancelled", "language": "en", "subject": "About {position}", "body": "Sorry."}
    assert api.as_user(recruiter).post(url, body, format="json").status_code == 201
    replaced = api.as_user(recruiter).post(url, {**body, "body": "Sorry again."}, format="json")
    assert replaced.status_code == 201 and CandidateMessageText.objects.get().body == "Sorry again."
    bad = api.as_user(recruiter).post(url, {**body, "language": "fr"}, format="json")
    assert bad.status_code == 400 and "language" in bad.json()["error"]["fields"]
    assert api.as_user(hr_admin).post(url, body, format="json").status_code == 403
    assert api.as_user(hr_admin).get(url).json()["results"][0]["body"] == "Sorry again."
    for user in (interviewer, candidate_user):
        assert api.as_user(user).get(url).json()["results"] == []
