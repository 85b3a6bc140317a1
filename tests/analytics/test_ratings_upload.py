"""HR's upload of a file of ratings: stored whole or not at all, and a report naming the row and
the column of every error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.models import PerformanceRating
from audit.models import AuditEvent
from tests.analytics.helpers import assessed, hired
from tests.factories import make_position

HEADER = "application,period_start,period_end,rating,dimension.communication\n"


@pytest.fixture
def hires(recruiter):
    position = make_position(recruiter)
    return [hired(recruiter, position, {"communication": 60 + i, "problem_solving": 70}) for i in range(2)]


def _upload(client, user, text: str):
    client.force_login(user)
    upload = SimpleUploadedFile("ratings.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("hr-ratings-upload"), {"file": upload})


def test_a_good_file_is_stored_whole(client, recruiter, hires):
    text = HEADER + "".join(f"{h.pk},2026-01-01,2026-06-30,{3 + i},{4 - i}\n" for i, h in enumerate(hires))
    response = _upload(client, recruiter, "\ufeff" + text)  # a spreadsheet's byte order mark too
    assert response.status_code == 302
    stored = {
        r.application_id: (r.rating, r.dimension_ratings, r.source) for r in PerformanceRating.objects.all()
    }
    assert stored == {
        hires[0].pk: ("3", {"communication": "4"}, "csv"),
        hires[1].pk: ("4", {"communication": "3"}, "csv"),
    }
    assert AuditEvent.objects.filter(action="create", target_type="analytics.performancerating").count() == 3


def test_a_file_with_a_bad_row_stores_nothing_and_the_report_names_row_and_column(client, recruiter, hires):
    applicant = assessed(recruiter, hires[0].position, {"communication": 50, "problem_solving": 50})
    text = (
        HEADER
        + f"{hires[0].pk},2026-01-01,2026-06-30,4,5\n"
        + f"{hires[1].pk},2026-01-01,2026-06-30,9,\n"
        + f"{applicant.pk},2026-01-01,2026-06-30,3,\n"
        + f"{hires[0].pk},2026-03-01,2026-05-31,3,7\n"
    )
    response = _upload(client, recruiter, text)
    assert response.status_code == 400
    report = {(e.row, e.column) for e in response.context["report"]}
    assert report == {
        (3, "rating"),
        (4, "application"),
        (5, "period_start"),
        (5, "dimension.communication"),
    }
    page = response.content.decode()
    assert "<code>dimension.communication</code>" in page and "Nothing was saved" in page
    assert not PerformanceRating.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("application,period_start,rating\n", (1, "period_end")),
        ("application,period_start,period_end,rating,grade\n", (1, "grade")),
    ],
)
def test_a_bad_header_is_reported_on_row_one(client, recruiter, hires, text, problem):
    response = _upload(client, recruiter, text + f"{hires[0].pk},2026-01-01,2026-06-30,4\n")
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["report"]] == [problem]


@pytest.mark.parametrize("content", [b"\xff\xfe\x00a", b"application,period_start,period_end,rating\n"])
def test_a_file_that_is_not_text_or_has_no_rows_is_refused_whole(client, recruiter, content):
    client.force_login(recruiter)
    upload = SimpleUploadedFile("ratings.csv", content, content_type="text/csv")
    response = client.post(reverse("hr-ratings-upload"), {"file": upload})
    assert response.status_code == 400 and response.context["error_message"]


def test_an_hr_admin_reads_the_page_without_the_form_and_may_not_upload(client, hr_admin, hires):
    client.force_login(hr_admin)
    page = client.get(reverse("hr-ratings-upload"))
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    assert _upload(client, hr_admin, HEADER + f"{hires[0].pk},2026-01-01,2026-06-30,4,\n").status_code == 403
    assert not PerformanceRating.objects.exists()


@pytest.mark.parametrize("role", ["interviewer", "candidate_user"])
def test_interviewers_and_candidates_do_not_open_it(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("hr-ratings-upload")).status_code == 403
