"""A real Celery worker reads the text of résumé files waiting for it, as beat asks every 5 s."""

import pytest

from candidates.models import Candidate, ResumeFile
from candidates.services.resume_files import resume_file_upload
from config.celery import app
from tests.candidates.resume_helpers import pdf_with_text, scan_pdf, uploaded
from tests.celery_worker import wait_until
from tests.factories import make_candidate


def test_beat_asks_for_resume_texts_every_few_seconds():
    entry = app.conf.beat_schedule["resume-texts-extract"]
    assert entry["task"] == "candidates.tasks.resume_texts_extract" and entry["schedule"] <= 5


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_reads_the_waiting_files(recruiter, celery_worker):
    reader, scanned = make_candidate(recruiter, resume_text=""), make_candidate(recruiter, resume_text="")
    resume_file_upload(
        candidate=reader, upload=uploaded("cv.pdf", pdf_with_text(["Li Na", "SRE"])), actor=recruiter
    )
    resume_file_upload(candidate=scanned, upload=uploaded("scan.pdf", scan_pdf()), actor=recruiter)
    celery_worker()

    app.send_task("candidates.tasks.resume_texts_extract")

    wait_until(
        lambda: not ResumeFile.objects.filter(status__in=["pending", "reading"]).exists(),
        "the worker to read both files",
    )
    assert Candidate.objects.get(pk=reader.pk).resume_text == "Li Na\nSRE"
    assert ResumeFile.objects.get(candidate=scanned).problem == "no_text_layer"
