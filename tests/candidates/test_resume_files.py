"""Résumé files: a PDF or DOCX recognised by its content, capped, stored encrypted under the
candidate's key, its text read in the background into the résumé interviewers read, kept with
what went wrong when no text comes out; handed out as an audited export to HR and to the
interviewers assigned to the candidate, and to no one else."""

import base64
import datetime
import hashlib

import pytest
import time_machine
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from candidates.models import Candidate, ResumeFile
from candidates.services import resume_files
from candidates.services.resume_files import resume_file_upload, resume_texts_extract
from hrsuite.errors import ValidationFailed
from hrsuite.persons import person_key_destroy
from interviews.services.assignments import assignment_create
from tests.candidates.resume_helpers import (
    DOCX_TYPE,
    PDF_TYPE,
    docx_of_many_parts,
    docx_with_text,
    docx_zip_bomb,
    locked_pdf,
    page_tree_bomb,
    pdf_with_pages,
    pdf_with_text,
    scan_pdf,
    uploaded,
)
from tests.factories import make_application, make_candidate, make_interview

pytestmark = pytest.mark.django_db
LIST = reverse("resume-file-list")
CV = ["Li Na", "Backend engineer", "Python, PostgreSQL, Celery"]


def _post(api, user, candidate, name: str, content: bytes, content_type: str = PDF_TYPE):
    body = {"candidate": str(candidate.pk), "file": uploaded(name, content, content_type)}
    return api.as_user(user).post(LIST, body, format="multipart")


def _download(pk) -> str:
    return reverse("resume-file-download", args=[pk])


@pytest.fixture
def candidate(recruiter):
    return make_candidate(recruiter, resume_text="Typed in by HR.")


def _assign(recruiter, interviewer, candidate):
    interview = make_interview(recruiter, application=make_application(recruiter, candidate=candidate))
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)


# --- Taking a file ---------------------------------------------------------------------------------


def test_a_pdf_is_taken_and_its_text_becomes_the_resume_once_read(api, recruiter, candidate):
    response = _post(api, recruiter, candidate, "Li Na CV.pdf", pdf_with_text(CV))

    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["original_filename"], answer["content_type"], answer["status"]) == (
        "Li Na CV.pdf",
        PDF_TYPE,
        "pending",
    )
    assert answer["filename"] == f"resume-{answer['id'].replace('-', '')[:12]}.pdf"
    # Not read in the request: the résumé is as it was until a worker reads the file.
    candidate.refresh_from_db()
    assert candidate.resume_text == "Typed in by HR."

    assert resume_texts_extract().extracted == 1

    file = ResumeFile.objects.get()
    assert (file.status, file.problem, file.attempts) == ("extracted", "", 1)
    candidate.refresh_from_db()
    assert candidate.resume_text == "\n".join(CV)
    # Through the candidates' service, audited as theirs, with no value in the event.
    (update,) = AuditEvent.objects.filter(action="update", target_type="candidates.candidate")
    assert (update.actor_label, update.candidate_id, update.changed_fields) == (
        resume_files.SYSTEM_ACTOR,
        candidate.pk,
        ["resume_text"],
    )
    assert "Backend" not in str(update.detail)


def test_a_docx_is_read_with_its_tables(api, recruiter, candidate):
    content = docx_with_text(["王小明", "数据分析师"], table=[["2021-2024", "Acme 公司"]])
    assert _post(api, recruiter, candidate, "简历.docx", content, DOCX_TYPE).status_code == 201

    resume_texts_extract()

    candidate.refresh_from_db()
    assert candidate.resume_text == "王小明\n数据分析师\n2021-2024 | Acme 公司"
    assert ResumeFile.objects.get().content_type == DOCX_TYPE


def test_a_pdf_sent_without_a_name_or_type_is_taken_by_its_content(api, recruiter, candidate):
    response = _post(api, recruiter, candidate, "upload", pdf_with_text(CV), "application/octet-stream")
    assert response.status_code == 201 and response.json()["content_type"] == PDF_TYPE


@pytest.mark.parametrize(
    ("name", "content", "declared", "code", "message"),
    [
        ("cv.pdf", docx_with_text(["Li Na"]), PDF_TYPE, "upload_content_mismatch", "not a PDF file"),
        ("cv.pdf", b"Li Na, backend engineer", PDF_TYPE, "upload_content_mismatch", "not a PDF file"),
        ("cv.docx", pdf_with_text(CV), DOCX_TYPE, "upload_content_mismatch", "not a DOCX file"),
        ("cv.docx", b"PK\x03\x04 not an archive", DOCX_TYPE, "upload_content_mismatch", "not a DOCX file"),
        ("cv.txt", b"Li Na, backend engineer", "text/plain", "upload_type_not_allowed", "A PDF or DOCX"),
        ("cv.html", b"<script>alert(1)</script>", "text/html", "upload_type_not_allowed", "A PDF or DOCX"),
        ("cv.pdf", b"", PDF_TYPE, "upload_empty", "empty"),
    ],
    ids=["docx-named-pdf", "text-named-pdf", "pdf-named-docx", "zip-named-docx", "text", "html", "empty"],
)
def test_what_is_not_a_pdf_or_docx_by_its_content_is_refused_naming_the_field(
    api, recruiter, candidate, name, content, declared, code, message
):
    response = _post(api, recruiter, candidate, name, content, declared)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and list(error["fields"]) == ["file"]
    assert message in error["fields"]["file"][0]
    assert not ResumeFile.objects.exists()


def test_a_file_over_the_resume_cap_is_refused(api, recruiter, candidate, settings):
    settings.HRSUITE_RESUME_MAX_BYTES = 1024 * 1024
    big = pdf_with_text(CV) + b"%" + b"0" * (1024 * 1024)

    response = _post(api, recruiter, candidate, "cv.pdf", big)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "upload_too_large"
    assert response.json()["error"]["fields"] == {"file": ["At most 1 MB."]}
    assert not ResumeFile.objects.exists()


def test_a_file_part_over_the_streaming_cap_is_dropped_as_it_comes_in(api, recruiter, candidate, settings):
    settings.HRSUITE_UPLOAD_MAX_BYTES = 1024 * 1024  # smaller than the résumé's own cap
    content = pdf_with_text(CV) + b"%" + b"0" * (2 * 1024 * 1024)
    body = encode_multipart(
        BOUNDARY, {"candidate": str(candidate.pk), "file": uploaded("cv.pdf", content, PDF_TYPE)}
    )

    response = api.as_user(recruiter).post(LIST, data=body, content_type=MULTIPART_CONTENT)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "upload_too_large"
    assert response.json()["error"]["fields"] == {"file": ["At most 1 MB."]}
    assert resume_files.max_bytes() == 1024 * 1024
    assert not ResumeFile.objects.exists()


@pytest.mark.parametrize("content", [docx_zip_bomb(), docx_of_many_parts(1200)], ids=["unpacked", "parts"])
def test_a_docx_zip_bomb_is_refused_from_its_directory(api, recruiter, candidate, content):
    assert len(content) < 1024 * 1024  # small as sent

    response = _post(api, recruiter, candidate, "cv.docx", content, DOCX_TYPE)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "upload_unpacks_too_large" and list(error["fields"]) == ["file"]
    assert not ResumeFile.objects.exists()


def test_the_senders_name_is_kept_without_folders_or_control_characters(recruiter, candidate):
    name = "C:\\Users\\li\\..\\Li\x1b Na\x07 CV.pdf"
    file = resume_file_upload(candidate=candidate, upload=uploaded(name, pdf_with_text(CV)), actor=recruiter)
    assert file.original_filename == "Li Na CV.pdf"


def test_no_file_is_a_field_error(recruiter, candidate):
    with pytest.raises(ValidationFailed) as refused:
        resume_file_upload(candidate=candidate, upload=None, actor=recruiter, field="resume")
    assert list(refused.value.fields) == ["resume"]


def test_only_recruiters_upload_and_hr_admins_are_refused(api, hr_admin, interviewer, recruiter, candidate):
    _assign(recruiter, interviewer, candidate)
    for user in (hr_admin, interviewer):
        assert _post(api, user, candidate, "cv.pdf", pdf_with_text(CV)).status_code == 403
    assert not ResumeFile.objects.exists()


# --- At rest -----------------------------------------------------------------------------------------


def test_the_table_holds_ciphertext_under_the_candidates_key_not_the_files_bytes(recruiter, candidate):
    content = pdf_with_text(["Li Na", "Unmistakable-Marker-7731"])
    file = resume_file_upload(candidate=candidate, upload=uploaded("Li Na CV.pdf", content), actor=recruiter)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content_base64, original_filename, sha256 FROM candidates_resumefile WHERE id = %s",
            [file.pk.hex if connection.vendor == "sqlite" else file.pk],
        )
        stored = cursor.fetchone()
    for column in stored:
        assert column.startswith(f"p1:{candidate.pk.hex}:")
    raw = "".join(stored)
    assert "Unmistakable" not in raw and "Li Na" not in raw
    assert base64.b64encode(content).decode()[:40] not in raw
    assert hashlib.sha256(content).hexdigest() not in raw
    assert ResumeFile.objects.get().sha256 == hashlib.sha256(content).hexdigest()


# --- Reading the text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (scan_pdf(), "no_text_layer"),
        (locked_pdf(user_password="open-sesame"), "encrypted"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "damaged"),
        (page_tree_bomb(), "damaged"),
    ],
    ids=["scan", "password", "damaged", "page-tree-bomb"],
)
def test_a_file_without_text_is_kept_and_says_why(api, client, recruiter, candidate, content, problem):
    assert _post(api, recruiter, candidate, "cv.pdf", content).status_code == 201

    assert resume_texts_extract().no_text == 1

    file = ResumeFile.objects.get()
    assert (file.status, file.problem) == ("no_text", problem)
    candidate.refresh_from_db()
    assert candidate.resume_text == "Typed in by HR."  # nothing better was found
    client.force_login(recruiter)
    page = client.get(reverse("hr-candidate", args=[candidate.pk])).text
    assert "No text could be extracted: read the file itself." in page
    assert f'href="{reverse("hr-resume-file", args=[file.pk])}"' in page


def test_a_pdf_locked_only_against_changes_is_read(recruiter, candidate):
    resume_file_upload(
        candidate=candidate, upload=uploaded("cv.pdf", locked_pdf(user_password="")), actor=recruiter
    )
    resume_texts_extract()
    candidate.refresh_from_db()
    assert candidate.resume_text == "Locked away"


def test_only_the_first_pages_of_a_long_pdf_are_read(recruiter, candidate, settings):
    settings.HRSUITE_RESUME_PAGES_READ = 3
    content = pdf_with_pages([[f"Page {n}"] for n in range(1, 401)])
    resume_file_upload(candidate=candidate, upload=uploaded("cv.pdf", content), actor=recruiter)

    resume_texts_extract()

    candidate.refresh_from_db()
    assert candidate.resume_text == "Page 1\n\nPage 2\n\nPage 3"
    (read,) = AuditEvent.objects.filter(action="update", target_type="candidates.resumefile")
    assert read.detail["pages"] == 3 and read.detail["status"] == "extracted"


def test_the_text_kept_is_cut_to_its_limit(recruiter, candidate, settings):
    settings.HRSUITE_RESUME_TEXT_MAX_CHARS = 10
    resume_file_upload(candidate=candidate, upload=uploaded("cv.pdf", pdf_with_text(CV)), actor=recruiter)
    resume_texts_extract()
    candidate.refresh_from_db()
    assert candidate.resume_text == "Li Na\nBack"


def test_the_newest_file_is_the_resume_whatever_order_they_are_read_in(recruiter, candidate):
    older = resume_file_upload(
        candidate=candidate, upload=uploaded("old.pdf", pdf_with_text(["Old"])), actor=recruiter
    )
    resume_file_upload(
        candidate=candidate, upload=uploaded("new.pdf", pdf_with_text(["New"])), actor=recruiter
    )

    # The newer is read first; the older, read after it, does not replace its text.
    waiting = ResumeFile.objects.filter(pk=older.pk)
    waiting.update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    assert resume_texts_extract().extracted == 1
    waiting.update(next_attempt_at=timezone.now())
    assert resume_texts_extract().extracted == 1

    candidate.refresh_from_db()
    assert candidate.resume_text == "New"
    assert set(ResumeFile.objects.values_list("status", flat=True)) == {"extracted"}


def test_a_candidate_keeps_only_their_newest_files(recruiter, candidate, settings):
    settings.HRSUITE_RESUME_FILES_KEPT = 2
    files = [
        resume_file_upload(
            candidate=candidate, upload=uploaded(f"v{n}.pdf", pdf_with_text([f"v{n}"])), actor=recruiter
        )
        for n in range(3)
    ]

    kept = ResumeFile.objects.filter(candidate=candidate).order_by("-created_at")
    assert [f.original_filename for f in kept] == ["v2.pdf", "v1.pdf"]
    (removed,) = AuditEvent.objects.filter(action="delete", target_type="candidates.resumefile")
    assert (removed.target_id, removed.candidate_id) == (str(files[0].pk), candidate.pk)


def test_a_file_whose_reader_died_is_read_again_then_given_up(recruiter, candidate):
    resume_file_upload(candidate=candidate, upload=uploaded("cv.pdf", pdf_with_text(CV)), actor=recruiter)
    start = timezone.now()
    stale = datetime.timedelta(seconds=resume_files.CLAIM_TIMEOUT_SECONDS + 1)
    # A worker claims it and dies while parsing, each time.
    for attempt in range(1, resume_files.MAX_ATTEMPTS + 1):
        with time_machine.travel(start + attempt * stale, tick=False):
            if attempt > 1:
                assert resume_files._reclaim_stale() == 1
            assert [f.attempts for f in resume_files.QUEUE.claim(batch_size=5, now=timezone.now())] == [
                attempt
            ]

    with time_machine.travel(start + (resume_files.MAX_ATTEMPTS + 1) * stale, tick=False):
        result = resume_texts_extract()

    assert (result.reclaimed, result.extracted) == (1, 0)
    file = ResumeFile.objects.get()
    assert (file.status, file.problem) == ("no_text", "damaged")
    candidate.refresh_from_db()
    assert candidate.resume_text == "Typed in by HR."


def test_an_erased_candidates_file_is_not_read(recruiter, candidate):
    resume_file_upload(candidate=candidate, upload=uploaded("cv.pdf", pdf_with_text(CV)), actor=recruiter)
    person_key_destroy(candidate.pk)

    assert resume_texts_extract().no_text == 1
    assert ResumeFile.objects.get().problem == "damaged"


# --- Handing it out ----------------------------------------------------------------------------------


def test_a_download_is_an_attachment_of_our_name_and_an_audited_export(api, recruiter, candidate):
    content = pdf_with_text(CV)
    file = resume_file_upload(
        candidate=candidate, upload=uploaded("<b>cv</b>.html.pdf", content), actor=recruiter
    )

    response = api.as_user(recruiter).get(_download(file.pk))

    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == PDF_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{file.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    (export,) = AuditEvent.objects.filter(action="export", target_id=str(file.pk))
    assert (export.actor_id, export.candidate_id, export.target_type) == (
        recruiter.pk,
        candidate.pk,
        "candidates.resumefile",
    )
    assert AuditEvent.objects.filter(action="view", target_id=str(file.pk), actor=recruiter).count() == 1


def test_a_docx_is_handed_out_as_a_docx(api, recruiter, candidate):
    file = resume_file_upload(
        candidate=candidate, upload=uploaded("cv.docx", docx_with_text(["Li Na"]), DOCX_TYPE), actor=recruiter
    )
    response = api.as_user(recruiter).get(_download(file.pk))
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].endswith('.docx"')


@pytest.fixture
def two_files(recruiter, interviewer):
    """An assigned candidate's file ("mine") and another candidate's ("theirs")."""
    mine, theirs = make_candidate(recruiter), make_candidate(recruiter)
    _assign(recruiter, interviewer, mine)
    return {
        which: resume_file_upload(candidate=c, upload=uploaded("cv.pdf", pdf_with_text(CV)), actor=recruiter)
        for which, c in (("mine", mine), ("theirs", theirs))
    }


# Who gets each file, through the API and through their own pages: HR every one, an interviewer
# those of the candidates assigned to them, 404 for any other (as for a missing one).
MATRIX = {
    "recruiter": {"mine": 200, "theirs": 200},
    "hr_admin": {"mine": 200, "theirs": 200},
    "interviewer": {"mine": 200, "theirs": 404},
    "candidate_user": {"mine": 404, "theirs": 404},
}
PAGE = {"recruiter": "hr-resume-file", "hr_admin": "hr-resume-file", "interviewer": "workspace-resume-file"}


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_gets_a_file(api, client, request, two_files, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for which, expected in MATRIX[role].items():
        file = two_files[which]
        assert api.as_user(user).get(_download(file.pk)).status_code == expected, which
        assert api.as_user(user).get(reverse("resume-file-detail", args=[file.pk])).status_code == expected
        if role in PAGE:
            response = client.get(reverse(PAGE[role], args=[file.pk]))
            assert response.status_code == expected, which
            if expected == 200:
                assert response.content.startswith(b"%PDF-")
        exported = AuditEvent.objects.filter(action="export", target_id=str(file.pk), actor=user).count()
        assert exported == (2 if role in PAGE else 1) * (expected == 200)
    listed = api.as_user(user).get(LIST).json()["results"]
    assert {row["id"] for row in listed} == {
        str(two_files[w].pk) for w, s in MATRIX[role].items() if s == 200
    }


def test_a_refused_download_is_recorded_and_an_unknown_one_is_a_404(api, client, interviewer, two_files):
    theirs = two_files["theirs"]
    assert api.as_user(interviewer).get(_download(theirs.pk)).status_code == 404
    assert AuditEvent.objects.filter(action="access_refused", target_id=str(theirs.pk)).exists()
    client.force_login(interviewer)
    unknown = reverse("workspace-resume-file", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(unknown).status_code == 404


def test_each_audience_downloads_from_its_own_pages_only(client, recruiter, interviewer, two_files):
    mine = two_files["mine"]
    client.force_login(interviewer)
    assert client.get(reverse("hr-resume-file", args=[mine.pk])).status_code == 403
    client.force_login(recruiter)
    assert client.get(reverse("workspace-resume-file", args=[mine.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("hr-resume-file", args=[mine.pk])).status_code == 302


def test_the_filter_by_candidate_lists_their_files_newest_first(api, recruiter, candidate):
    first = resume_file_upload(
        candidate=candidate, upload=uploaded("a.pdf", pdf_with_text(["a"])), actor=recruiter
    )
    second = resume_file_upload(
        candidate=candidate, upload=uploaded("b.pdf", pdf_with_text(["b"])), actor=recruiter
    )
    other = make_candidate(recruiter)
    resume_file_upload(candidate=other, upload=uploaded("c.pdf", pdf_with_text(["c"])), actor=recruiter)

    rows = api.as_user(recruiter).get(LIST, {"candidate": str(candidate.pk)}).json()["results"]

    assert [row["id"] for row in rows] == [str(second.pk), str(first.pk)]
    assert "sha256" not in rows[0]


def test_the_candidate_is_looked_up_among_those_the_recruiter_may_see(api, recruiter):
    body = {
        "candidate": "00000000-0000-0000-0000-000000000000",
        "file": uploaded("cv.pdf", pdf_with_text(CV)),
    }
    response = api.as_user(recruiter).post(LIST, body, format="multipart")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["candidate"]
    assert Candidate.objects.count() == 0
