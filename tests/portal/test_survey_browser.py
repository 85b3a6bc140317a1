"""The survey after an interview in a real browser (Debian's Chromium through Playwright): the
candidate opens the link of their e-mail on a 375 px wide phone, in Chinese, is told which answer
is missing, answers, and is thanked; HR reads the results page with its chart (docs/architecture.md,
"Candidate survey")."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interviews.models import InterviewSurvey
from interviews.services.survey import survey_token
from interviews.services.survey_results import survey_results_refresh
from tests.browser import sign_in
from tests.interviews.test_survey import sent_survey

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_candidate_answers_on_a_phone_in_their_language(browser_page, recruiter):
    survey = sent_survey(recruiter, language="zh-hans")
    page = browser_page(phone=True, locale="en-US")
    page.goto(reverse("portal-survey", args=[survey_token(survey=survey)]))
    expect(page.get_by_role("heading", level=1)).to_have_text("您的面试体验如何？")  # noqa: RUF001
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("group", name="1. 总体而言").get_by_label("4").check()
    page.get_by_role("group", name="3. 您是否感到").get_by_label("5").check()
    page.get_by_label("4. 您还有什么想告诉我们的吗？（选填）").fill("面试官很友好。")  # noqa: RUF001
    page.get_by_role("button", name="提交我的回答").click()
    # The technical question was skipped: named, and nothing kept.
    expect(page.locator("#technical-problems-errors")).to_be_visible()
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["SURVEY_SCREENSHOTS"], "survey-error.png"), full_page=True
        )
    survey.refresh_from_db()
    assert survey.answered_at is None

    page.get_by_role("group", name="1. 总体而言").get_by_label("4").check()
    page.get_by_role("group", name="2. 您是否遇到").get_by_label("没有问题").check()
    page.get_by_role("group", name="3. 您是否感到").get_by_label("5").check()
    page.get_by_role("button", name="提交我的回答").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您")
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SURVEY_SCREENSHOTS"], "survey-answered.png"))
    answered = InterviewSurvey.objects.get(pk=survey.pk)
    assert (answered.overall, answered.technical_problems, answered.fairness) == (4, False, 5)


def test_hr_reads_the_chart_and_its_table(browser_page, recruiter, settings):
    settings.HRSUITE_SURVEY_MIN_N = 2
    survey = sent_survey(recruiter, language="en")
    InterviewSurvey.objects.filter(pk=survey.pk).update(
        answered_at=survey.sent_at, overall=4, fairness=5, technical_problems=False
    )
    survey_results_refresh()
    page = browser_page()
    sign_in(page, recruiter)
    page.goto(reverse("hr-survey-results"))
    expect(page.get_by_role("img", name="Survey means by region, with 95% intervals")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("CN")
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["SURVEY_SCREENSHOTS"], "survey-results.png"), full_page=True
        )
