"""A recruiter's journey through the position pages in a real browser (Debian's Chromium through
Playwright): they create a position with its title in English and in Chinese, a plan and labelled
dimensions, open it, and find it in the list in English, then in Chinese after switching the
page's language."""

import pytest
from playwright.sync_api import expect

from candidates.models import Position
from hrsuite.roles import Role
from tests.browser import sign_in
from tests.factories import make_user


@pytest.mark.django_db(transaction=True)
def test_a_recruiter_creates_a_position_in_two_languages_and_finds_it_in_both(browser_page):
    recruiter = make_user(Role.RECRUITER, username="rita", first_name="Rita", last_name="Lee")
    make_user(Role.INTERVIEWER, username="ivan")

    page = browser_page()
    sign_in(page, recruiter)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Positions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Positions")
    page.get_by_role("link", name="New position").click()

    page.get_by_label("Title in English").fill("Mobile Engineer")
    page.get_by_label("Title in Chinese").fill("移动端工程师")
    page.get_by_label("Department").fill("Engineering")
    page.get_by_label("Headcount").fill("2")
    page.get_by_label("Region").fill("CN")
    page.get_by_label("Time zone").select_option("Asia/Shanghai")
    page.get_by_label("ivan").check()
    page.get_by_label("Kind of interview, step 1").select_option(label="AI video")
    page.get_by_label("Minutes, step 1").fill("30")
    page.get_by_label("Kind of interview, step 2").select_option(label="Live video")
    page.get_by_label("Minutes, step 2").fill("60")
    page.get_by_label("Key, dimension 1").fill("communication")
    page.get_by_label("Weight, dimension 1").fill("0.5")
    page.get_by_label("Key, dimension 2").fill("app_architecture")
    page.get_by_label("Weight, dimension 2").fill("0.4")
    page.get_by_label("Label in English, dimension 2").fill("App architecture")
    page.get_by_label("Label in Chinese, dimension 2").fill("应用架构")
    page.get_by_role("button", name="Open the position").click()

    # The weights add up to 0.9: the form comes back with what was typed, the field named.
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    expect(page.locator("#ps-dimensions-errors")).to_contain_text("add up to 1")
    expect(page.get_by_label("Title in Chinese")).to_have_value("移动端工程师")
    assert not Position.objects.exists()
    page.get_by_label("Weight, dimension 2").fill("0.5")
    page.get_by_role("button", name="Open the position").click()

    # The position's page, in the reader's language, with the other title beside it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mobile Engineer")
    expect(page.get_by_role("status").first).to_contain_text("The position is open.")
    expect(page.locator(".head-badges")).to_contain_text("移动端工程师")
    expect(page.get_by_role("row", name="App architecture")).to_contain_text("50%")
    position = Position.objects.get()
    assert (position.title_en, position.title_zh_hans, position.owner) == (
        "Mobile Engineer",
        "移动端工程师",
        recruiter,
    )
    assert [step["kind"] for step in position.interview_plan] == ["ai_video", "live_video"]

    # In the list in English; then, the language switched, in Chinese.
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Positions").click()
    expect(page.get_by_role("link", name="Mobile Engineer")).to_be_visible()
    expect(page.get_by_text("移动端工程师")).to_have_count(0)
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("职位")
    expect(page.get_by_role("link", name="移动端工程师")).to_be_visible()
    expect(page.get_by_text("Mobile Engineer")).to_have_count(0)
    page.get_by_role("link", name="移动端工程师").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("移动端工程师")
    expect(page.get_by_role("row", name="应用架构")).to_contain_text("50%")
