"""The recruiter's and the HR admin's journeys through the candidate pages in a real browser
(Debian's Chromium through Playwright): find a candidate, open the file, schedule an interview
(a weekend is refused, then a weekday is taken), assign an interviewer, and once the assessment and
scorecards are in, record the hire; the HR admin reads the same file with no control at all."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import integration_create
from candidates.models import Stage
from hrsuite.roles import Role
from interviews.models import Interview
from interviews.services.scheduling import holiday_name
from interviews.services.scorecards import scorecard_save, scorecard_submit
from onboarding.models import Offer
from tests.browser import sign_in
from tests.factories import (
    make_application,
    make_candidate,
    make_user,
    receive_assessment,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def _from_now(days: int = 3) -> datetime.date:
    return timezone.now().astimezone(SHANGHAI).date() + datetime.timedelta(days=days)


def _saturday() -> datetime.date:
    day = _from_now()
    while day.weekday() != 5:
        day += datetime.timedelta(days=1)
    return day


def _working_day() -> datetime.date:
    """The first working day 3+ days ahead that is no public holiday in China."""
    day = _from_now()
    while day.weekday() >= 5 or holiday_name("CN", day):
        day += datetime.timedelta(days=1)
    return day


def _in_berlin(day: datetime.date, hour: int) -> str:
    """`hour` o'clock in Shanghai on `day`, as the Berlin recruiter types it."""
    moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI).astimezone(BERLIN)
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.django_db(transaction=True)
def test_recruiter_schedules_assigns_and_hires_and_hr_admin_reads_without_controls(browser_page):
    recruiter = make_user(Role.RECRUITER, username="rita", time_zone="Europe/Berlin")
    hr_admin = make_user(Role.HR_ADMIN, username="hana")
    interviewer = make_user(Role.INTERVIEWER, username="ivan")
    integration, _token = integration_create(
        name="simulated", scopes=["assess_interviews"], actor="system:test"
    )
    candidate = make_candidate(recruiter, full_name="Li Wei", email="li.wei@example.test")
    make_candidate(recruiter, full_name="Zhang San")
    application = make_application(recruiter, candidate=candidate)

    page = browser_page()
    sign_in(page, recruiter)

    # Find the candidate by their exact e-mail, open their file; no address is in a URL.
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Candidates").click()
    page.get_by_label("Search").fill("Li.Wei@example.test")
    page.get_by_role("button", name="Find").click()
    assert "example.test" not in page.url
    page.get_by_role("link", name="Li Wei").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Li Wei")
    assert page.url.endswith(f"/hr/candidates/{candidate.pk}/") and "example.test" not in page.url

    # A Saturday is refused on the start field; nothing is scheduled.
    schedule_form = page.locator(f"#form-schedule-{application.pk}")
    schedule_form.get_by_text("Schedule an interview").click()
    schedule_form.get_by_label("Kind").select_option(label="AI video")
    schedule_form.get_by_label("Starts at").fill(_in_berlin(_saturday(), 10))
    schedule_form.get_by_role("button", name="Schedule the interview").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    starts = page.locator(f"#form-schedule-{application.pk}").get_by_label("Starts at")
    expect(starts).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#sc-{application.pk}-starts_at-errors")).to_contain_text("is a Saturday")
    assert not Interview.objects.exists()

    # A working day at 10:00 in Shanghai, typed in Berlin time, is taken.
    day = _working_day()
    starts.fill(_in_berlin(day, 10))
    page.locator(f"#form-schedule-{application.pk}").get_by_role(
        "button", name="Schedule the interview"
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("Interview scheduled for")
    interview = Interview.objects.get()
    assert interview.starts_at == datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)

    # Assign the interviewer from the interview's card.
    card = page.locator(f"#interview-{interview.pk}")
    card.get_by_label("Assign an interviewer").select_option(label="ivan")
    card.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("ivan is assigned")
    # Unassigning asks first: the confirmation opens under "Unassign".
    card = page.locator(f"#interview-{interview.pk}")
    confirm = card.get_by_role("button", name="Yes, unassign ivan")
    expect(confirm).to_be_hidden()
    card.get_by_label("Unassign ivan").click()
    expect(confirm).to_be_visible()

    # The interview happens: the AI assessment and the scorecard come in.
    receive_assessment(interview, actor=integration)
    scorecard = scorecard_save(
        interview=interview,
        ratings={"communication": 4, "problem_solving": 5},
        recommendation="strong_yes",
        actor=interviewer,
    )
    scorecard_submit(scorecard=scorecard, actor=interviewer)
    page.reload()
    card = page.locator(f"#interview-{interview.pk}")
    expect(card).to_contain_text("sim-assess-2026.1")
    expect(card).to_contain_text("I explained the plan to finance")
    expect(card).to_contain_text("Strong yes")

    # Ready for a decision, then the hire with its offer terms.
    move = page.locator(f"#form-move-{application.pk}")
    move.get_by_text("Move the stage").click()
    move.get_by_label("New stage").select_option(label="Awaiting decision")
    move.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status").first).to_contain_text("Awaiting decision")
    decide = page.locator(f"#form-decide-{application.pk}")
    decide.get_by_text("Record a decision").click()
    decide.get_by_label("Hire").check()
    decide.get_by_label("Reason").fill("Clear, structured answers; strong scorecard.")
    decide.get_by_label("Salary (gross per year)").fill("420000")
    decide.get_by_label("Currency").fill("CNY")
    decide.get_by_label("Start date").fill((day + datetime.timedelta(days=30)).isoformat())
    decide.get_by_label("Answer by").fill(_in_berlin(day + datetime.timedelta(days=7), 18))
    decide.get_by_label("Place of work").fill("Shanghai office")
    decide.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("Hire recorded.")
    offer = Offer.objects.get()
    expect(page.locator(f"#offer-{offer.pk}")).to_contain_text("420000 CNY")
    application.refresh_from_db()
    assert application.stage == Stage.OFFER and offer.status == Offer.Status.DRAFT

    # The HR admin opens the same file: everything is there, and not one control.
    admin_page = browser_page()
    sign_in(admin_page, hr_admin)
    admin_page.goto(reverse("hr-candidate", args=[candidate.pk]))
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Li Wei")
    main = admin_page.locator("main")
    expect(main).to_contain_text("sim-assess-2026.1")
    expect(main).to_contain_text("Shanghai office")
    expect(main.locator("button")).to_have_count(0)
    expect(main.locator("form[method=post]")).to_have_count(0)
    expect(main.locator("summary")).to_have_count(0)
