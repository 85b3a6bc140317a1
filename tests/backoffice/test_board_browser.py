"""The pipeline board in a real browser (Debian's Chromium through Playwright): a recruiter moves a
card with the keyboard alone, through its own list and button, then drags another onto a column."""

import pytest
from playwright.sync_api import expect

from candidates.models import Application, Stage
from hrsuite.roles import Role
from tests.browser import sign_in
from tests.factories import make_application, make_candidate, make_position, make_user


@pytest.mark.django_db(transaction=True)
def test_a_recruiter_moves_cards_by_keyboard_and_by_dragging(browser_page):
    recruiter = make_user(Role.RECRUITER, username="rita", first_name="Rita", last_name="Lee")
    position = make_position(recruiter, title_en="Board Engineer")
    keyed = make_application(
        recruiter, candidate=make_candidate(recruiter, full_name="Kim Keys"), position=position
    )
    dragged = make_application(
        recruiter, candidate=make_candidate(recruiter, full_name="Dana Drag"), position=position
    )

    page = browser_page()
    sign_in(page, recruiter)
    page.goto(f"/hr/positions/{position.pk}/board/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Board: Board Engineer")

    # Keyboard only: focus the card's list, choose, and press the button with Enter.
    choice = page.get_by_label("Move Kim Keys to")
    choice.focus()
    choice.select_option(label="Interviewing")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Moved to Interviewing")
    expect(page.locator("#stage-interviewing")).to_contain_text("Kim Keys")
    assert Application.objects.get(pk=keyed.pk).stage == Stage.INTERVIEWING

    # Dragging Dana's card onto the screening column sends the same form.
    # Taken by its corner, where no link or control is.
    page.locator(f'[data-card="{dragged.pk}"]').drag_to(
        page.locator("#stage-screening"), source_position={"x": 3, "y": 3}
    )
    expect(page.locator("#stage-screening")).to_contain_text("Dana Drag")
    assert Application.objects.get(pk=dragged.pk).stage == Stage.SCREENING
