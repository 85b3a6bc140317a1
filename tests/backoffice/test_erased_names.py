"""An erased candidate's name reads as erased (empty) wherever it is read, through a model or
through `values()`, and HR's pages show a dash where it stood, never a ciphertext."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.selectors.dashboard import agenda_interviews_for
from candidates.models import Candidate
from hrsuite import persons
from hrsuite.fields import is_erased
from tests.backoffice.hr_helpers import file_url
from tests.factories import make_application, make_candidate, make_interview

pytestmark = pytest.mark.django_db


def test_an_erased_candidates_name_reads_empty_and_the_pages_show_a_dash(client, recruiter):
    candidate = make_candidate(recruiter, full_name="Ingrid Vasquez-Lund")
    kept = make_candidate(recruiter, full_name="Tomasz Kowal")
    interview = make_interview(
        recruiter,
        application=make_application(recruiter, candidate=candidate),
        starts_in=datetime.timedelta(hours=1),
    )

    persons.person_key_destroy(candidate.pk)

    name = Candidate.objects.get(pk=candidate.pk).full_name
    assert is_erased(name) and name == ""
    assert Candidate.objects.get(pk=kept.pk).full_name == "Tomasz Kowal"
    (row,) = agenda_interviews_for(user=recruiter, today=timezone.localdate(), tz=datetime.UTC)
    assert row["interview_id"] == interview.pk
    assert is_erased(row["candidate_name"]) and row["candidate_name"] == ""

    client.force_login(recruiter)
    listed = client.get(reverse("hr-candidates")).text
    assert f'<a href="{file_url(candidate)}">—</a>' in listed
    assert f'<a href="{file_url(kept)}">Tomasz Kowal</a>' in listed
    assert "<h1>—</h1>" in client.get(file_url(candidate)).text
    dashboard = client.get("/hr/").text
    assert f'<a href="/hr/interviews/{interview.pk}/">—</a>' in dashboard
    for page in (listed, dashboard):
        assert "Ingrid" not in page and "p1:" not in page and "v1:" not in page
    api = client.get("/api/candidates/").json()["results"]
    assert {row["full_name"] for row in api} == {"", "Tomasz Kowal"}
