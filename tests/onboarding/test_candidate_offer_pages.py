"""The candidate's offer and onboarding pages, opened from their e-mails without signing in: the
offer in their language with its answers, the new hire's tasks with uploads and confirmations,
through signed links that open nothing else."""

import base64
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from candidates.models import Stage
from notifications.models import Notification
from notifications.rendering import render
from onboarding.models import Offer, OnboardingDocument, OnboardingPlan
from onboarding.services import candidate_links
from tests.factories import application_awaiting_decision, make_candidate, make_hire

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"SECRET-ID-SCAN-BYTES" * 10
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _offer(recruiter, *, language="zh-hans"):
    candidate = make_candidate(recruiter, preferred_language=language, time_zone="Asia/Shanghai")
    return make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))


def _offer_path(offer):
    return f"/portal/offers/{candidate_links.offer_token(offer=offer)}/"


def _plan_path(plan):
    return f"/portal/onboarding/{candidate_links.onboarding_token(plan=plan)}/"


def _status(offer):
    return Offer.objects.values_list("status", flat=True).get(pk=offer.pk)


def test_the_offer_page_shows_the_terms_in_chinese_and_the_read_is_audited(client, recruiter):
    offer = _offer(recruiter, language="zh-hans")

    response = client.get(_offer_path(offer))

    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    for words in (
        "您的录用通知",
        "420,000.00 CNY",
        "Shanghai office",
        "接受录用",
        "拒绝录用",
        "csrfmiddlewaretoken",
    ):
        assert words in page, words
    assert "（Asia/Shanghai 时间）" in page and "Accept the offer" not in page  # noqa: RUF001
    candidate_id = offer.application.candidate_id
    read = AuditEvent.objects.get(action="view", target_id=str(offer.pk), detail__page="offer")
    assert read.actor_label == f"candidate-link:{candidate_id}" and read.candidate_id == candidate_id
    assert "420000" not in str(read.detail)


def test_the_offer_page_speaks_english_to_an_english_speaking_candidate(client, recruiter):
    offer = _offer(recruiter, language="en")

    page = client.get(_offer_path(offer)).content.decode()

    assert "Your job offer" in page and "420,000.00 CNY" in page and "Accept the offer" in page
    assert "(Asia/Shanghai time)" in page and not _CJK.search(page)


def test_accepting_through_the_page_creates_the_plan_and_links_to_it(client, recruiter):
    offer = _offer(recruiter)

    response = client.post(_offer_path(offer), {"answer": "accept"})

    assert response.status_code == 200 and "感谢您接受录用" in response.content.decode()
    assert _status(offer) == Offer.Status.ACCEPTED
    plan = OnboardingPlan.objects.get(offer=offer)
    assert AuditEvent.objects.filter(
        target_id=str(offer.pk), actor_label=f"candidate-link:{offer.application.candidate_id}"
    ).exists()
    onboarding = re.search(r'href="([^"]*/portal/onboarding/[^"]+/)"', response.content.decode()).group(1)
    assert client.get(urlparse(onboarding).path).status_code == 200
    # Answered: the link now says so, with 409, and a second answer changes nothing.
    again = client.post(_offer_path(offer), {"answer": "decline"})
    assert again.status_code == 409 and "您已接受该录用通知" in again.content.decode()
    assert _status(offer) == Offer.Status.ACCEPTED and OnboardingPlan.objects.filter(offer=offer).count() == 1
    assert plan.status == OnboardingPlan.Status.OPEN


def test_declining_through_the_page_withdraws_the_application(client, recruiter):
    offer = _offer(recruiter, language="en")

    response = client.post(_offer_path(offer), {"answer": "decline"})

    assert response.status_code == 200 and "You have declined the offer" in response.content.decode()
    assert _status(offer) == Offer.Status.DECLINED
    offer.application.refresh_from_db()
    assert offer.application.stage == Stage.WITHDRAWN
    assert not OnboardingPlan.objects.filter(offer=offer).exists()


def test_an_offer_past_its_answer_by_time_is_410_and_cannot_be_accepted(client, recruiter):
    offer = _offer(recruiter, language="en")
    path = _offer_path(offer)

    with time_machine.travel(offer.expires_at + timedelta(minutes=1), tick=False):
        page = client.get(path)
        answer = client.post(path, {"answer": "accept"})

    assert page.status_code == 410 and "The time to answer this offer has passed" in page.content.decode()
    assert answer.status_code == 410
    assert _status(offer) == Offer.Status.SENT and not OnboardingPlan.objects.filter(offer=offer).exists()


def test_a_tampered_or_expired_link_opens_nothing_and_stores_nothing(client, recruiter):
    offer = _offer(recruiter, language="en")
    token = candidate_links.offer_token(offer=offer)
    events = AuditEvent.objects.count()

    tampered = client.post(f"/portal/offers/{token[:-2]}xx/", {"answer": "accept"})
    # A genuine signature for another link (the onboarding salt) opens no offer either.
    foreign = signing.dumps({"o": str(offer.pk), "c": str(offer.application.candidate_id)}, salt="x")
    other = client.post(f"/portal/offers/{foreign}/", {"answer": "accept"})
    with time_machine.travel(timezone.now() + candidate_links.OFFER_LINK_MAX_AGE + timedelta(days=1)):
        expired = client.post(f"/portal/offers/{token}/", {"answer": "accept"})

    assert tampered.status_code == 404 and other.status_code == 404
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    assert _status(offer) == Offer.Status.SENT and not OnboardingPlan.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.fixture
def plan(recruiter):
    offer = _offer(recruiter, language="en")
    candidate_links.offer_answer_by_link(token=candidate_links.offer_token(offer=offer), accept=True)
    return OnboardingPlan.objects.get(offer=offer)


def test_the_onboarding_page_lists_the_new_hires_open_tasks_with_due_times(client, plan):
    response = client.get(_plan_path(plan))

    assert response.status_code == 200
    page = response.content.decode()
    for task in plan.tasks.all():
        assert (task.title in page) == (task.assignee == "new_hire"), task.title
    assert page.count("Due by") == 3 and "(Asia/Shanghai time)" in page
    assert AuditEvent.objects.filter(
        target_id=str(plan.pk), action="view", detail__page="onboarding"
    ).exists()


def test_an_upload_through_the_page_is_stored_encrypted_and_completes_the_task(client, plan):
    task = plan.tasks.filter(kind="document").first()
    upload = SimpleUploadedFile("id.png", PNG, content_type="image/png")

    response = client.post(_plan_path(plan), {"task": str(task.pk), "action": "upload", "file": upload})

    assert response.status_code == 302
    document = OnboardingDocument.objects.get(task=task)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content_base64 FROM onboarding_onboardingdocument WHERE id = %s", [document.pk.hex]
        )
        (raw,) = cursor.fetchone()
    assert base64.b64encode(PNG).decode()[:40] not in raw
    assert base64.b64decode(document.content_base64) == PNG
    task.refresh_from_db()
    assert task.status == "done"


def test_a_wrong_type_upload_or_an_hr_task_is_refused_and_stores_nothing(client, plan):
    task = plan.tasks.filter(kind="document").first()
    hr_task = plan.tasks.filter(assignee="hr").first()
    exe = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 renamed", content_type="application/pdf")

    wrong = client.post(_plan_path(plan), {"task": str(task.pk), "action": "upload", "file": exe})
    other = client.post(_plan_path(plan), {"task": str(hr_task.pk), "action": "confirm"})

    assert wrong.status_code == 400 and "Please upload a PDF, PNG or JPEG file." in wrong.content.decode()
    assert other.status_code == 404
    assert not OnboardingDocument.objects.exists()
    hr_task.refresh_from_db()
    assert hr_task.status == "open"


def test_confirming_a_form_through_the_page(client, plan):
    form = plan.tasks.get(kind="confirm")

    response = client.post(_plan_path(plan), {"task": str(form.pk), "action": "confirm"})

    assert response.status_code == 302
    form.refresh_from_db()
    assert form.status == "done"


def test_a_tampered_onboarding_link_is_404_and_stores_nothing(client, plan):
    task = plan.tasks.filter(kind="document").first()
    upload = SimpleUploadedFile("id.png", PNG, content_type="image/png")
    token = candidate_links.onboarding_token(plan=plan)

    response = client.post(f"/portal/onboarding/{token[:-2]}xx/", {"task": str(task.pk), "file": upload})

    assert response.status_code == 404 and not OnboardingDocument.objects.exists()


def _followed(client, notification, pattern):
    body = render(notification).body
    url = re.search(pattern, body).group(0)
    assert url.startswith("http")
    return client.get(urlparse(url).path)


def test_the_offer_e_mail_carries_a_signed_link_that_opens_the_page(client, recruiter):
    offer = _offer(recruiter, language="zh-hans")
    notification = Notification.objects.get(template="offer_sent", payload__offer=str(offer.pk))

    body = render(notification).body
    assert f"/portal/offers/{offer.pk}/" not in body
    response = _followed(client, notification, r"\S+/portal/offers/[^/\s]+/")

    assert response.status_code == 200 and "420,000.00 CNY" in response.content.decode()
    assert "420" not in body  # the salary stays out of the e-mail


def test_the_reminder_and_notice_e_mails_carry_signed_onboarding_links(client, plan):
    reminder = Notification.objects.filter(
        template="onboarding_task_reminder", candidate__isnull=False, payload__plan=str(plan.pk)
    ).first()
    body = render(reminder).body
    assert f"/portal/onboarding/{plan.pk}/" not in body
    assert _followed(client, reminder, r"\S+/portal/onboarding/[^/\s]+/").status_code == 200

    from onboarding.services.notices import onboarding_notice_queue

    notice = onboarding_notice_queue(offer=plan.offer)
    assert _followed(client, notice, r"\S+/portal/onboarding/[^/\s]+/").status_code == 200
