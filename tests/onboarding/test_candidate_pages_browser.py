"""The candidate's offer and onboarding pages in a real browser (Chromium), reached from their
e-mail links without signing in; and their query counts, which stay the same with more rows."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from onboarding.models import OnboardingDocument, OnboardingPlan, OnboardingTask
from onboarding.services import candidate_links
from tests.factories import application_awaiting_decision, make_candidate, make_hire

PNG = b"\x89PNG\r\n\x1a\n" + b"scan" * 10
PDF = b"%PDF-1.7\n" + b"bank form" * 10


def _offer(recruiter, *, language):
    candidate = make_candidate(recruiter, preferred_language=language, time_zone="Asia/Shanghai")
    return make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.django_db(transaction=True)
def test_a_new_hire_accepts_and_completes_onboarding_in_the_browser_on_a_phone(browser_page, recruiter):
    offer = _offer(recruiter, language="en")
    page = browser_page(phone=True)

    page.goto(_path(candidate_links.offer_url(offer=offer)))
    expect(page.get_by_role("heading", level=1)).to_contain_text(offer.position.title)
    expect(page.get_by_text("420,000.00 CNY")).to_be_visible()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for accepting the offer")

    onboarding = page.get_by_role("link", name="Open your onboarding tasks")
    page.goto(_path(onboarding.get_attribute("href")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your onboarding as")
    identity = page.get_by_role("group", name="Upload your identity document")
    identity.get_by_label(re.compile("Choose a file")).set_input_files(
        {"name": "id.png", "mimeType": "image/png", "buffer": PNG}
    )
    identity.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("Thank you. The task is done.")

    bank = page.get_by_role("group", name="Upload your bank account form")
    bank.get_by_label(re.compile("Choose a file")).set_input_files(
        {"name": "bank.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    bank.get_by_role("button", name="Upload").click()
    form = page.get_by_role("group", name="Confirm your personal details")
    form.get_by_role("checkbox").check()  # keyboard users reach it too: a real, labelled checkbox
    form.get_by_role("button", name="Confirm").press("Enter")

    expect(page.get_by_text("All your tasks are done. We look forward to your first day!")).to_be_visible()
    plan = OnboardingPlan.objects.get(offer=offer)
    new_hire = plan.tasks.filter(assignee="new_hire")
    assert set(new_hire.values_list("status", flat=True)) == {"done"}
    assert OnboardingDocument.objects.filter(task__plan=plan).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_refused_upload_is_explained_in_chinese_in_the_browser(browser_page, recruiter):
    offer = _offer(recruiter, language="zh-hans")
    candidate_links.offer_answer_by_link(token=candidate_links.offer_token(offer=offer), accept=True)
    plan = OnboardingPlan.objects.get(offer=offer)
    page = browser_page(locale="en-US")  # the page speaks the candidate's language, not the browser's

    page.goto(_path(candidate_links.onboarding_url(plan=plan)))
    first = page.get_by_role("group").first
    first.locator("input[type=file]").set_input_files(
        {"name": "id.pdf", "mimeType": "application/pdf", "buffer": b"MZ renamed program"}
    )
    first.get_by_role("button", name="上传").click()

    expect(page.get_by_role("alert")).to_have_text("请上传 PDF、PNG 或 JPEG 文件。")
    assert not OnboardingDocument.objects.exists()


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_offer_page_reads_in_a_fixed_number_of_queries(client, recruiter, django_assert_num_queries):
    offer = _offer(recruiter, language="en")
    path = _path(candidate_links.offer_url(offer=offer))
    # The test request's savepoint and release (2), the offer with its candidate and position,
    # then the audit write (its insert; it is chained after the commit).
    with django_assert_num_queries(4):
        assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_the_onboarding_page_reads_in_a_fixed_number_of_queries_whatever_the_tasks(
    client, recruiter, django_assert_num_queries
):
    offer = _offer(recruiter, language="en")
    candidate_links.offer_answer_by_link(token=candidate_links.offer_token(offer=offer), accept=True)
    plan = OnboardingPlan.objects.get(offer=offer)
    path = _path(candidate_links.onboarding_url(plan=plan))
    # The test request's savepoint and release (2), the plan with its candidate and position, the
    # new hire's tasks, the audit write (its insert; it is chained after the commit).
    with django_assert_num_queries(5):
        assert client.get(path).status_code == 200
    for n in range(5):
        OnboardingTask(
            plan=plan, assignee="new_hire", kind="confirm", title=f"Extra form {n}", due_at=timezone.now()
        ).save(force_insert=True)
    with django_assert_num_queries(5):
        response = client.get(path)
    assert response.content.decode().count("Extra form") == 5


def test_the_pages_are_under_portal():
    assert reverse("portal-onboarding", args=["t"]) == "/portal/onboarding/t/"
