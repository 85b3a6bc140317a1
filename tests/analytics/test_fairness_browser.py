"""Compliance's journey in a real browser (Debian's Chromium through Playwright): sign in, land on
the Fairness page, read a tool's impact ratios, make a bias audit and download its PDF
(docs/architecture.md, "Fairness")."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from analytics.models import BiasAudit
from analytics.services.fairness import fairness_refresh
from hrsuite.roles import Role
from tests.analytics.fairness_helpers import applicant, us_position
from tests.browser import sign_in
from tests.factories import make_user


@pytest.mark.django_db(transaction=True)
def test_a_compliance_user_makes_a_bias_audit_and_downloads_it(browser_page):
    recruiter = make_user(Role.RECRUITER, username="rita")
    position = us_position(recruiter)
    for sex, score, advanced in (
        ("female", 80, True),
        ("female", 50, False),
        ("male", 70, True),
        ("male", 60, True),
    ):
        applicant(recruiter, position, score=score, advanced=advanced, sex=sex, race="asian")
    fairness_refresh()
    compliance = make_user(Role.COMPLIANCE, username="carla")

    page = browser_page()
    sign_in(page, compliance)
    expect(page).to_have_url(page.url.split("/hr/")[0] + "/hr/fairness/")
    expect(page.get_by_role("heading", name="Fairness", level=1)).to_be_visible()

    page.get_by_role("link", name="simulated (all positions)").click()
    expect(page.locator("svg.ratio-chart").first).to_be_visible()
    expect(
        page.get_by_role("heading", name="Selection rate: advanced past the AI interview · Sex", exact=True)
    ).to_be_visible()

    page.get_by_role("link", name="Fairness").first.click()
    page.get_by_role("button", name="Make a bias audit").click()
    expect(page.get_by_text("Bias audit of simulated made")).to_be_visible()
    audit = BiasAudit.objects.get()

    with page.expect_download() as opened:
        page.get_by_role("link", name="PDF").click()
    download = opened.value
    assert download.suggested_filename == f"bias-audit-simulated-{audit.audit_date}.pdf"
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages
    )
    assert "Bias audit" in text and str(audit.audit_date) in text and "Female" in text
