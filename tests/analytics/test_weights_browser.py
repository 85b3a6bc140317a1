"""A recruiter adopts the weights fitted to hires' later performance, in a real browser (Debian's
Chromium through Playwright), and the HR admin finds the change in the audit trail."""

import pytest
from playwright.sync_api import expect

from analytics.models import ValidityResult
from analytics.services.validity import validity_refresh
from tests.analytics.test_validity import position  # noqa: F401 - the fixture of seven rated hires
from tests.browser import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_recruiter_adopts_the_suggested_weights_and_the_trail_shows_it(
    position,  # noqa: F811 - the fixture above
    recruiter,
    hr_admin,
    browser_page,
    settings,
):
    settings.HRSUITE_VALIDITY_MIN_N = 7
    validity_refresh()
    result = ValidityResult.objects.get(position=position)

    page = browser_page()
    sign_in(page, recruiter)
    page.goto("/hr/analytics/")
    page.get_by_role("link", name=position.title).click()
    weights = page.get_by_role("region", name="Suggested dimension weights")
    expect(weights).to_contain_text("Version 1")
    weights.get_by_role("button", name="Adopt the suggested weights").click()

    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "adopted as version 2 of the position's weights"
    )
    expect(page.get_by_role("region", name="Suggested dimension weights")).to_contain_text(
        "Adopted from the validity figures (fitted on 7 hires)"
    )
    position.refresh_from_db()
    assert position.weights_version == 2 and position.dimension_weights != {
        "communication": 0.4,
        "problem_solving": 0.6,
    }

    trail = browser_page()
    sign_in(trail, hr_admin)
    trail.goto(f"/hr/audit/?actor={recruiter.username}")
    adopted = trail.get_by_role("row").filter(has_text="weights_version").first
    expect(adopted).to_contain_text("dimension_weights, weights_version")
    adopted.get_by_text("Detail").click()
    expect(adopted).to_contain_text('"event": "weights_adopted"')
    expect(adopted).to_contain_text(str(result.pk))
