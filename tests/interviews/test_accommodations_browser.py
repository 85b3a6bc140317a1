"""A candidate asks for extra time for their interview in the portal, a recruiter grants it on the
interview's page, and the booked slot grows: in a real browser (Chromium), end to end
(docs/architecture.md, "Accommodations")."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from candidates.services.candidates import candidate_portal_link
from interviews.models import Accommodation, Interview, InterviewAssignment
from interviews.services.assignments import assignment_create
from tests.browser import sign_in
from tests.factories import make_interview


@pytest.mark.django_db(transaction=True)
def test_a_candidate_asks_for_extra_time_and_the_booked_slot_grows(
    browser_page, recruiter, interviewer, candidate_user
):
    interview = make_interview(recruiter, starts_in=timedelta(days=3))
    candidate_portal_link(candidate=interview.application.candidate, user=candidate_user, actor=recruiter)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)

    # The candidate asks, from their portal.
    page = browser_page()
    sign_in(page, candidate_user)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.get_by_role("link", name="Accommodations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accommodations for your interview")
    expect(page.get_by_text("It is booked for 45 minutes.")).to_be_visible()
    page.get_by_role("radio", name="Extra time").check()
    page.get_by_label(re.compile("^Extra minutes")).fill("15")
    page.get_by_label(re.compile("^In your words")).fill("I read slowly; dyslexia.")
    page.get_by_role("button", name="Ask for this accommodation").click()
    expect(page.get_by_role("status")).to_contain_text("Your request is received. We answer it by")
    asked = page.get_by_role("article").filter(has_text="Extra time")
    expect(asked).to_contain_text("Requested")
    expect(asked).to_contain_text("I read slowly; dyslexia.")

    # A recruiter grants it on the interview's page.
    hr = browser_page()
    sign_in(hr, recruiter, next_path=f"/hr/interviews/{interview.pk}/")
    request = hr.locator("article.accommodation").filter(has_text="Extra time")
    expect(request).to_contain_text("I read slowly; dyslexia.")
    request.get_by_label(re.compile("^Answer to the candidate")).fill("Of course: take the time you need.")
    request.get_by_role("button", name="Grant: lengthen the interview").click()
    expect(hr.get_by_text("Accommodation granted. The candidate is told.")).to_be_visible()
    expect(hr.locator("article.accommodation")).to_contain_text("Granted")

    # The booked slot grew, for the candidate and in the interviewer's booking.
    interview.refresh_from_db()
    assert interview.duration_minutes == 60
    booking = InterviewAssignment.objects.get(interview=interview)
    assert booking.interview_ends_at == interview.starts_at + timedelta(minutes=60)
    assert Accommodation.objects.get().state == "granted"
    page.reload()
    expect(page.get_by_text("It is booked for 60 minutes.")).to_be_visible()
    expect(asked).to_contain_text("Granted")
    expect(asked).to_contain_text("Of course: take the time you need.")
    assert Interview.objects.get(pk=interview.pk).calendar_sequence == 1
