"""A new hire's documents are stored under a name of our own with the type found in their content
(the sender's name is kept for display only), served as attachments of that type, and a file part
over the cap is dropped as it streams in, never held whole."""

import base64
import re
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from candidates.services.candidates import candidate_portal_link
from onboarding.models import OnboardingDocument, OnboardingPlan
from onboarding.services import candidate_links, offers
from tests.factories import application_awaiting_decision, make_candidate, make_hire

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + b"bank form" * 10
PNG = b"\x89PNG\r\n\x1a\n" + b"scan" * 10
OUR_NAME = re.compile(r"^document-[0-9a-f]{12}\.(pdf|png|jpg)$")


@pytest.fixture
def plan(recruiter, candidate_user):
    candidate = make_candidate(recruiter, preferred_language="en")
    offer = make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    return OnboardingPlan.objects.get(offer=offer)


def _document_task(plan):
    return plan.tasks.filter(kind="document").order_by("title").first()


def _upload_url(plan):
    return reverse("onboarding-task-upload", args=[_document_task(plan).pk])


def _page_path(plan):
    return f"/portal/onboarding/{candidate_links.onboarding_token(plan=plan)}/"


def _send(how, *, api, client, plan, candidate_user, name, content_type, content):
    if how == "multipart":
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        return api.as_user(candidate_user).post(_upload_url(plan), {"file": upload}, format="multipart")
    if how == "json":
        body = {
            "filename": name,
            "content_type": content_type,
            "content_base64": base64.b64encode(content).decode(),
        }
        return api.as_user(candidate_user).post(_upload_url(plan), body, format="json")
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    task = _document_task(plan)
    return client.post(_page_path(plan), {"task": str(task.pk), "action": "upload", "file": upload})


@pytest.mark.parametrize("how", ["multipart", "json", "page"])
@pytest.mark.parametrize("declared", ["application/pdf", "text/html"])
def test_a_pdf_named_html_is_stored_and_served_as_a_pdf_of_our_own_name(
    api, client, plan, candidate_user, recruiter, how, declared
):
    response = _send(
        how,
        api=api,
        client=client,
        plan=plan,
        candidate_user=candidate_user,
        name="invoice.html",
        content_type=declared,
        content=PDF,
    )
    assert response.status_code in (201, 302), response.content

    document = OnboardingDocument.objects.get()
    assert OUR_NAME.match(document.filename) and document.filename.endswith(".pdf")
    assert (document.original_filename, document.content_type) == ("invoice.html", "application/pdf")
    listed = api.as_user(recruiter).get(reverse("onboarding-document-list")).json()["results"]
    assert [(d["filename"], d["original_filename"]) for d in listed] == [(document.filename, "invoice.html")]

    download = api.as_user(recruiter).get(reverse("onboarding-document-download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{document.filename}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == PDF


def test_the_content_decides_the_type_not_what_the_sender_declares(api, plan, candidate_user):
    upload = SimpleUploadedFile("scan.pdf", PNG, content_type="application/octet-stream")
    response = api.as_user(candidate_user).post(_upload_url(plan), {"file": upload}, format="multipart")

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/png"
    assert response.json()["filename"].endswith(".png") and response.json()["original_filename"] == "scan.pdf"


def test_the_senders_name_is_kept_without_folders_or_control_characters(api, plan, candidate_user):
    body = {
        "filename": "C:\\Users\\li\\..\\pass\x1bport\x07.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(PDF).decode(),
    }
    response = api.as_user(candidate_user).post(_upload_url(plan), body, format="json")

    assert response.status_code == 201, response.content
    assert OnboardingDocument.objects.get().original_filename == "passport.pdf"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><script>alert(1)</script>", "upload_type_not_allowed"),
        (b"PK\x03\x04 zip", "upload_type_not_allowed"),
    ],
)
def test_content_of_a_type_not_allowed_is_refused_naming_the_field(api, plan, candidate_user, content, code):
    upload = SimpleUploadedFile("id.pdf.html", content, content_type="text/html")
    response = api.as_user(candidate_user).post(_upload_url(plan), {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code and list(response.json()["error"]["fields"]) == ["file"]
    assert not OnboardingDocument.objects.exists()


# --- The cap on a file part ------------------------------------------------------------------------


def test_a_file_part_over_the_cap_is_refused_without_being_held(api, plan, candidate_user, settings):
    settings.HRSUITE_UPLOAD_MAX_BYTES = settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES = 1024 * 1024
    size = 2400 * 1024  # under FILE_UPLOAD_MAX_MEMORY_SIZE: Django would keep all of it in memory
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("id.png", PNG + b"0" * size)})
    client = api.as_user(candidate_user)

    tracemalloc.start()
    try:
        response = client.post(_upload_url(plan), data=body, content_type=MULTIPART_CONTENT)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "upload_too_large"
    assert response.json()["error"]["fields"] == {"file": ["At most 1 MB."]}
    # Besides the test client's own copy of the body, at most the cap was held: the rest of the
    # part was read off and dropped chunk by chunk (gathering it would add its 2.4 MB again).
    assert peak < len(body) + 1.5 * 1024 * 1024, peak
    assert not OnboardingDocument.objects.exists()


def test_the_onboarding_page_says_a_part_over_the_cap_is_too_large(client, plan, settings):
    settings.HRSUITE_UPLOAD_MAX_BYTES = settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES = 1024 * 1024
    task = _document_task(plan)
    big = SimpleUploadedFile("id.png", PNG + b"0" * (2 * 1024 * 1024), content_type="image/png")

    response = client.post(_page_path(plan), {"task": str(task.pk), "action": "upload", "file": big})

    assert response.status_code == 400
    assert "The file is too large: at most 1 MB." in response.content.decode()
    assert not OnboardingDocument.objects.exists()
