"""The careers page in a real browser (Debian's Chromium through Playwright): an anonymous visitor
sees only the open positions; an applicant applies on a 375 px wide phone screen with a PDF
résumé, with no horizontal scrolling on any page of the way."""

import pytest
from playwright.sync_api import expect

from candidates.models import Application, ApplicationIntake, ResumeFile
from candidates.services.positions import position_transition
from demo.resume_files import pdf_with_text
from hrsuite.roles import Role
from interviews.services.consent import default_notices_publish
from notifications.models import Notification
from tests.factories import make_position, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.fixture
def positions(db):
    # The data migration's notice, gone with the flush of an earlier transactional test.
    default_notices_publish()
    owner = make_user(Role.RECRUITER, username="olivia")
    made = {
        "open": make_position(
            owner,
            title_en="Data Engineer",
            title_zh_hans="数据工程师",
            department="Data platform",
            owner=owner,
            interview_plan=[{"kind": "live_video", "duration_minutes": 45}],
        ),
        "held": make_position(owner, title_en="Held Designer", owner=owner),
        "closed": make_position(owner, title_en="Closed Analyst", owner=owner),
    }
    position_transition(position=made["held"], event="hold", actor=owner)
    position_transition(position=made["closed"], event="close", actor=owner)
    return made


def test_an_anonymous_visitor_sees_only_the_open_positions(browser_page, positions):
    page = browser_page()
    page.goto("/careers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Careers")
    listed = page.get_by_role("list", name="Open positions").get_by_role("link")
    expect(listed).to_have_count(1)
    expect(listed).to_have_text(["Data Engineer"])
    # The site's language switch: the same list in Chinese.
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("list", name="开放职位").get_by_role("link")).to_have_text(["数据工程师"])
    response = page.goto(f"/careers/{positions['closed'].pk}/")
    assert response.status == 404


def test_an_applicant_applies_on_a_phone_with_a_pdf_resume(browser_page, positions, tmp_path):
    resume = tmp_path / "Zhou Min CV.pdf"
    resume.write_bytes(pdf_with_text(["Zhou Min", "Data engineer, 6 years"]))
    page = browser_page(phone=True)
    page.goto("/careers/")
    _no_horizontal_scroll(page)
    page.get_by_role("link", name="Data Engineer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Engineer")
    expect(page.get_by_role("listitem").filter(has_text="Live video interview, 45 minutes")).to_be_visible()
    _no_horizontal_scroll(page)

    # Sent without the notice ticked: the field is named, what was typed is kept.
    page.get_by_label("Your name").fill("Zhou Min")
    page.get_by_label("E-mail address").fill("zhou.min@example.test")
    page.get_by_label("Résumé (PDF or DOCX)").set_input_files(str(resume))
    page.get_by_label("How did you hear of us? (optional)").select_option("job_board")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#privacy_acknowledged-errors")).to_contain_text("tick the box")
    expect(page.get_by_label("Your name")).to_have_value("Zhou Min")
    _no_horizontal_scroll(page)
    assert not Application.objects.exists()

    page.get_by_label("Résumé (PDF or DOCX)").set_input_files(str(resume))
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for applying")
    _no_horizontal_scroll(page)

    application = Application.objects.get()
    assert application.position == positions["open"]
    assert ResumeFile.objects.get().candidate == application.candidate
    assert ApplicationIntake.objects.get().source == "job_board"
    assert Notification.objects.filter(
        template="application_received", candidate=application.candidate
    ).exists()


def test_an_applicant_self_identifies_after_applying_without_javascript(browser, live_server, tmp_path):
    """The optional self-identification under the confirmation, in a browser with scripts off
    (docs/architecture.md, "Fairness")."""
    from analytics.models import SelfIdentification

    default_notices_publish()
    owner = make_user(Role.RECRUITER, username="olivia")
    make_position(owner, title_en="Site Engineer", region="US-NY", time_zone="America/New_York", owner=owner)
    resume = tmp_path / "cv.pdf"
    resume.write_bytes(pdf_with_text(["Ana Ruiz"]))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/careers/")
        page.get_by_role("link", name="Site Engineer").click()
        page.get_by_label("Your name").fill("Ana Ruiz")
        page.get_by_label("E-mail address").fill("ana.ruiz@example.test")
        page.get_by_label("Résumé (PDF or DOCX)").set_input_files(str(resume))
        page.get_by_label("I have read the privacy notice").check()
        page.get_by_role("button", name="Send my application").click()
        expect(page.get_by_role("heading", name="Voluntary self-identification (optional)")).to_be_visible()
        page.get_by_role("group", name="Sex").get_by_label("Female").check()
        page.get_by_role("group", name="Race or ethnicity").get_by_label("Hispanic or Latino").check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Your answers are kept apart from your application")).to_be_visible()
    finally:
        context.close()
    row = SelfIdentification.objects.get()
    assert (row.sex, row.race_ethnicity, row.channel) == ("female", "hispanic_latino", "careers")
    assert row.candidate == Application.objects.get().candidate
