"""Every role's main pages, the admin and the API docs work in a real browser (Chromium) under the
Content-Security-Policy, and the browser reports no violation of it on any of them."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from candidates.services.portal_accounts import candidate_portal_invite
from interviews.services import candidate_links as interview_links
from interviews.services import consent as consent_services
from interviews.services.interviews import interview_results_release
from onboarding.models import OnboardingPlan
from onboarding.services import candidate_links as onboarding_links
from tests.backoffice.hr_helpers import file_url, full_file, interview_url
from tests.browser import PASSWORD, sign_in
from tests.factories import application_awaiting_decision, make_hire

# Reported by Chromium for each blocked script, style, handler or eval, and by the page's own
# securitypolicyviolation event (the listener is installed by the browser driver, outside the
# policy); both end up in the console.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


class Watched:
    """A page whose CSP violations and script errors are collected as it goes."""

    def __init__(self, page):
        self.page, self.problems = page, []
        page.add_init_script(_REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        self.page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_each_roles_pages_admin_and_api_docs_raise_no_policy_violation(
    browser_page, recruiter, hr_admin, interviewer, integration
):
    # A transactional test before this one may have emptied the table the migration filled.
    consent_services.default_notices_publish()
    person, _application, (interview,) = full_file(
        recruiter, interviewer=interviewer, integration=integration, full_name="Li Wei"
    )
    interview_results_release(interview=interview, actor=recruiter)
    candidate_portal_invite(candidate=person, actor=recruiter)
    person.refresh_from_db()
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter))
    admin = User.objects.create_superuser("site-admin", "admin@example.test", PASSWORD)

    visitor = Watched(browser_page())
    for path in (reverse("sign-in"), reverse("portal-sign-in"), "/admin/login/"):
        visitor.visit(path)
    for url in (
        interview_links.consent_url(interview=interview),
        interview_links.interview_url(interview=interview),
        onboarding_links.offer_url(offer=offer),
    ):
        visitor.visit(urlsplit(url).path)
    visitor.page.get_by_role("button", name="Accept the offer").click()
    visitor.page.wait_for_load_state("networkidle")
    visitor.visit(
        urlsplit(onboarding_links.onboarding_url(plan=OnboardingPlan.objects.get(offer=offer))).path
    )
    visitor.visit(reverse("simulated-practice"))

    hr = Watched(browser_page())
    sign_in(hr.page, recruiter)
    for path in ("/hr/", reverse("hr-candidates"), file_url(person), interview_url(interview), "/api/"):
        hr.visit(path)
    # Swagger UI draws the operations from the schema with its own script, from our origin.
    hr.visit(reverse("api-docs"))
    expect(hr.page.locator(".opblock").first).to_be_visible()
    hr.page.locator(".opblock-summary").first.click()
    expect(hr.page.locator(".opblock-body").first).to_be_visible()

    auditor = Watched(browser_page())
    sign_in(auditor.page, hr_admin)
    auditor.visit(reverse("hr-audit"))

    desk = Watched(browser_page())
    sign_in(desk.page, interviewer)
    for name in ("workspace-interview", "workspace-scorecard"):
        desk.visit(reverse(name, kwargs={"pk": interview.pk}))
    desk.visit(reverse("workspace-home"))

    portal = Watched(browser_page(phone=True))
    sign_in(portal.page, person.user)
    portal.visit(reverse("portal-home"))
    portal.page.get_by_role("link", name="See your result").click()
    expect(portal.page.get_by_role("heading", name="Your interview result")).to_be_visible()

    site = Watched(browser_page())
    site.visit("/admin/login/")
    site.page.get_by_label("Username").fill(admin.username)
    site.page.get_by_label("Password").fill(PASSWORD)
    site.page.get_by_role("button", name="Log in").click()
    expect(site.page.get_by_role("heading", name="Site administration")).to_be_visible()
    # The permission picker is drawn by the admin's own scripts (SelectFilter2).
    site.visit("/admin/auth/group/add/")
    expect(site.page.get_by_text("Available permissions")).to_be_visible()

    problems = [p for watched in (visitor, hr, auditor, desk, portal, site) for p in watched.problems]
    assert problems == [], "\n".join(problems)
