"""An interviewer, in a real browser (Debian's Chromium through Playwright), opens the résumé file of
a candidate assigned to them from the interview page, and gets 404 for another candidate's."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from candidates.services.resume_files import resume_file_upload
from hrsuite.roles import Role
from interviews.services.assignments import assignment_create
from tests.browser import sign_in
from tests.candidates.resume_helpers import pdf_with_text, uploaded
from tests.factories import make_application, make_candidate, make_interview, make_user


@pytest.mark.django_db(transaction=True)
def test_an_interviewer_opens_an_assigned_candidates_resume_file_and_no_other(browser_page):
    recruiter = make_user(Role.RECRUITER, username="rita")
    interviewer = make_user(Role.INTERVIEWER, username="ivan")
    mine, theirs = (
        make_candidate(recruiter, full_name="Li Na"),
        make_candidate(recruiter, full_name="Wang Wu"),
    )
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=mine))
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    content = pdf_with_text(["Li Na", "Backend engineer"])
    assigned = resume_file_upload(candidate=mine, upload=uploaded("Li Na CV.pdf", content), actor=recruiter)
    other = resume_file_upload(
        candidate=theirs, upload=uploaded("Wang Wu CV.pdf", pdf_with_text(["Wang Wu"])), actor=recruiter
    )

    page = browser_page()
    sign_in(page, interviewer)
    page.goto(f"/workspace/interviews/{interview.pk}/")
    with page.expect_download() as opened:
        page.get_by_role("link", name="Li Na CV.pdf").click()
    download = opened.value

    assert download.suggested_filename == assigned.filename
    assert Path(download.path()).read_bytes() == content
    assert AuditEvent.objects.filter(action="export", target_id=str(assigned.pk), actor=interviewer).exists()

    response = page.goto(f"/workspace/resume-files/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert not AuditEvent.objects.filter(action="export", target_id=str(other.pk)).exists()
    assert AuditEvent.objects.filter(
        action="access_refused", target_id=str(other.pk), actor=interviewer
    ).exists()
