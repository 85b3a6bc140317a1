"""A recruiter's day on the candidate list in a real browser (Debian's Chromium through Playwright):
they find a candidate by part of their name, the name in no address the browser went to, then
reject three others of the position together, through one confirmation, and read the result."""

import pytest
from playwright.sync_api import expect

from candidates.models import Application, Stage
from hrsuite.roles import Role
from notifications.models import Notification
from tests.browser import sign_in
from tests.factories import make_application, make_candidate, make_position, make_user


@pytest.mark.django_db(transaction=True)
def test_a_recruiter_finds_a_candidate_by_part_of_their_name_and_rejects_three_others(browser_page):
    recruiter = make_user(Role.RECRUITER, username="rita", first_name="Rita", last_name="Lee")
    position = make_position(recruiter, title_en="Mobile Engineer", rejection_notice_hours=24)
    wanted = make_application(
        recruiter, position=position, candidate=make_candidate(recruiter, full_name="Chen Jiayi")
    )
    others = [
        make_application(recruiter, position=position, candidate=make_candidate(recruiter, full_name=name))
        for name in ("Zhao Lei", "Sun Mei", "Guo Ping", "Lin Tao")
    ]

    page = browser_page()
    visited = []
    page.on("request", lambda request: visited.append(request.url))
    sign_in(page, recruiter)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Candidates").click()
    finder = page.get_by_role("search", name="Find candidates")
    page.get_by_label("Search").fill("jiayi")
    page.get_by_role("button", name="Find").click()

    expect(page.get_by_role("link", name="Chen Jiayi")).to_be_visible()
    expect(page.get_by_role("link", name="Zhao Lei")).to_have_count(0)
    expect(page.get_by_label("Search")).to_have_value("jiayi")
    assert "?s=" in page.url and not any("jiayi" in url.lower() for url in visited)

    # Back to the position's whole list; three of the others selected, rejected with a reason.
    page.get_by_label("Search").fill("")
    finder.get_by_label("Position").select_option(label="Mobile Engineer")
    page.get_by_role("button", name="Find").click()
    for name in ("Zhao Lei", "Sun Mei", "Guo Ping"):
        page.get_by_label(f"Select {name} for Mobile Engineer").check()
    page.get_by_label("Action", exact=True).select_option(label="Reject")
    page.get_by_label("Reason (for a rejection)").fill("We chose a candidate with more mobile experience.")
    page.get_by_role("button", name="Review").click()

    expect(page.get_by_role("heading", level=2)).to_contain_text("Reject: 3 applications")
    assert not Application.objects.filter(stage=Stage.REJECTED).exists()
    page.get_by_role("button", name="Confirm for 3 applications").click()

    expect(page.get_by_role("status")).to_contain_text("3 done, 0 refused.")
    done = page.locator("section", has=page.locator("#done-title"))
    for name in ("Zhao Lei", "Sun Mei", "Guo Ping"):
        expect(done.get_by_role("link", name=name)).to_be_visible()
    stages = dict(Application.objects.values_list("pk", "stage"))
    assert [stages[a.pk] for a in others[:3]] == [Stage.REJECTED] * 3
    assert (stages[wanted.pk], stages[others[3].pk]) == (Stage.APPLIED, Stage.APPLIED)
    assert Notification.objects.filter(template="application_rejected").count() == 3
    assert not any("mobile experience" in url.lower() for url in visited)
    page.get_by_role("link", name="Back to the list").click()
    expect(finder.get_by_label("Position")).to_have_value(str(position.pk))
