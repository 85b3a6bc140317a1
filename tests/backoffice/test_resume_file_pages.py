"""Résumé files on the pages: a recruiter uploads one from the candidate file and sees it there,
current and waiting to be read, then read; a refused file shows the form again with its field's
error; an HR admin reads the list without the form; the interviewer's interview page links the
candidate's current file, and says when no text could be extracted from it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from candidates.models import ResumeFile
from candidates.services.resume_files import resume_file_upload, resume_texts_extract
from interviews.services.assignments import assignment_create
from tests.candidates.resume_helpers import pdf_with_text, scan_pdf, uploaded
from tests.factories import make_application, make_candidate, make_interview

pytestmark = pytest.mark.django_db
PDF_TYPE = "application/pdf"


def _file_page(candidate) -> str:
    return reverse("hr-candidate", args=[candidate.pk])


def _upload(client, candidate, name, content, content_type=PDF_TYPE):
    body = {"action": "resume_upload", "file": SimpleUploadedFile(name, content, content_type=content_type)}
    return client.post(_file_page(candidate), body)


def test_a_recruiter_uploads_a_resume_file_from_the_candidate_file(client, recruiter):
    candidate = make_candidate(recruiter, resume_text="")
    client.force_login(recruiter)

    response = _upload(client, candidate, "Li Na CV.pdf", pdf_with_text(["Li Na", "Backend engineer"]))

    assert response.status_code == 302 and response["Location"].endswith("#resume-files")
    file = ResumeFile.objects.get(candidate=candidate)
    assert (file.original_filename, file.uploaded_by) == ("Li Na CV.pdf", recruiter)
    page = client.get(_file_page(candidate)).text
    assert "Li Na CV.pdf is stored." in page
    assert f'<a href="{reverse("hr-resume-file", args=[file.pk])}">Li Na CV.pdf</a>' in page
    assert "Current" in page and "Its text is being read" in page and "No résumé on file." in page

    resume_texts_extract()

    page = client.get(_file_page(candidate)).text
    assert "Its text is being read" not in page and "Li Na<br>Backend engineer" in page
    # The page's one view event names the files it listed.
    view = AuditEvent.objects.filter(action="view", target_id=str(candidate.pk)).latest("id")
    assert view.detail["shown"]["resumefile"] == [str(file.pk)]


def test_a_refused_file_shows_the_form_again_with_its_error(client, recruiter):
    candidate = make_candidate(recruiter)
    client.force_login(recruiter)

    response = _upload(client, candidate, "cv.pdf", b"just some text")

    assert response.status_code == 400
    page = response.text
    assert f'id="form-resume_upload-{candidate.pk}" open' in page
    assert 'aria-invalid="true"' in page and "The file is not a PDF file." in page
    assert not ResumeFile.objects.exists()


def test_a_file_over_the_cap_is_refused_on_the_page(client, recruiter, settings):
    settings.HRSUITE_UPLOAD_MAX_BYTES = 1024 * 1024
    candidate = make_candidate(recruiter)
    client.force_login(recruiter)

    response = _upload(client, candidate, "cv.pdf", pdf_with_text(["x"]) + b"%" + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 400 and "At most 1 MB." in response.text
    assert not ResumeFile.objects.exists()


def test_an_hr_admin_reads_the_files_and_uploads_nothing(client, recruiter, hr_admin):
    candidate = make_candidate(recruiter)
    resume_file_upload(candidate=candidate, upload=uploaded("cv.pdf", pdf_with_text(["x"])), actor=recruiter)
    client.force_login(hr_admin)

    page = client.get(_file_page(candidate)).text

    assert "cv.pdf" in page and "Upload a résumé file" not in page
    assert _upload(client, candidate, "cv.pdf", pdf_with_text(["y"])).status_code == 403
    assert ResumeFile.objects.count() == 1


def test_the_interview_page_links_the_candidates_current_file(client, recruiter, interviewer):
    candidate = make_candidate(recruiter)
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    resume_file_upload(
        candidate=candidate, upload=uploaded("old.pdf", pdf_with_text(["old"])), actor=recruiter
    )
    current = resume_file_upload(
        candidate=candidate, upload=uploaded("scan.pdf", scan_pdf()), actor=recruiter
    )
    resume_texts_extract()
    client.force_login(interviewer)

    page = client.get(reverse("workspace-interview", args=[interview.pk])).text

    assert f'<a href="{reverse("workspace-resume-file", args=[current.pk])}">scan.pdf</a>' in page
    assert "old.pdf" not in page
    assert "No text could be extracted: read the file itself." in page
    assert AuditEvent.objects.filter(action="view", target_id=str(current.pk), actor=interviewer).exists()
