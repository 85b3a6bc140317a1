"""A candidate asks for a copy of their data in the portal, in a real browser (Chromium), and
downloads it once HR has taken the request up and the copy is ready."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from privacy.models import PrivacyRequest
from privacy.services import access
from privacy.services import requests as services
from tests.browser import sign_in
from tests.privacy.helpers import candidate_of


@pytest.mark.django_db(transaction=True)
def test_a_candidate_asks_for_a_copy_of_their_data_in_the_portal_and_downloads_it(
    browser_page, recruiter, candidate_user
):
    candidate_of(
        candidate_user, recruiter, full_name="Chen Jing", resume_text="Résumé: compilers and databases."
    )
    page = browser_page(phone=True)
    sign_in(page, candidate_user)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    page.get_by_role("link", name=re.compile("ask for a copy")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data and your rights")
    page.get_by_label("Access: a copy of my data").check()
    page.get_by_label(re.compile("^Details")).fill("Everything you hold about me, please.")
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_role("status")).to_contain_text("Your request is received. We answer it by")
    mine = page.get_by_role("article").filter(has_text="Access: a copy of my data")
    expect(mine).to_contain_text("Received")
    expect(mine).to_contain_text("Everything you hold about me, please.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # HR takes the request up; beat's run prepares the copy.
    request = PrivacyRequest.objects.get(candidate__user=candidate_user)
    services.privacy_request_start(request=request, actor=recruiter)
    assert access.access_bundles_build() == 1

    page.reload()
    expect(mine).to_contain_text("Done")
    with page.expect_download() as readable:
        mine.get_by_role("link", name="Download your copy").click()
    document = Path(readable.value.path()).read_text()
    assert "<h1>Personal data held about Chen Jing</h1>" in document
    assert "compilers and databases" in document
    with page.expect_download() as data:
        mine.get_by_role("link", name="Download it as a data file (JSON)").click()
    assert json.loads(Path(data.value.path()).read_text())["candidate"]["full_name"] == "Chen Jing"
