"""List endpoints answer in a fixed number of queries, whatever the page size or data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.services.assignments import assignment_create
from interviews.services.scorecards import scorecard_save
from tests.factories import (
    make_application,
    make_interview,
    make_position,
    receive_assessment,
)

LISTS = ["candidate", "application", "interview", "assignment", "assessment", "scorecard", "audit-event"]


def _populate(recruiter, interviewer, count):
    position = make_position(recruiter)
    for _ in range(count):
        interview = make_interview(recruiter, application=make_application(recruiter, position=position))
        assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
        receive_assessment(interview, actor="system:test")
        scorecard_save(interview=interview, ratings={"communication": 3}, actor=interviewer)


def _queries(client, url, page_size):
    """Queries of one request by a fresh copy of the user, so no permission cache carries over,
    after one the same (the first reads the ids of the permissions grants name, kept for the
    process: `hrsuite.permissions._permission_id`)."""
    user = client.handler._force_user
    client.get(url, {"page_size": page_size})
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("basename", LISTS)
def test_list_query_count_is_flat(api, recruiter, hr_admin, interviewer, basename):
    user = hr_admin if basename == "audit-event" else recruiter
    client = api.as_user(user)
    url = reverse(f"{basename}-list")
    _populate(recruiter, interviewer, 2)
    small, rows_small = _queries(client, url, 1)
    _populate(recruiter, interviewer, 4)
    large, rows_large = _queries(client, url, 50)
    assert rows_large > rows_small
    assert small == large


@pytest.mark.parametrize("basename", ["candidate", "interview", "assessment", "scorecard"])
def test_interviewer_list_query_count_is_flat(api, recruiter, interviewer, basename):
    client = api.as_user(interviewer)
    url = reverse(f"{basename}-list")
    _populate(recruiter, interviewer, 1)
    small, _ = _queries(client, url, 1)
    _populate(recruiter, interviewer, 4)
    large, rows = _queries(client, url, 50)
    assert rows == 5
    assert small == large


def test_candidate_list_queries_exactly(api, recruiter, interviewer, django_assert_num_queries):
    _populate(recruiter, interviewer, 3)
    client = api.as_user(recruiter)
    # Savepoint of the test's request transaction (2), the user's roles and permissions (1), count,
    # page, then the audit write: the event's insert (it is chained after the commit); as many for 2
    # rows as for 3.
    for page_size in (2, 25):
        client.force_authenticate(type(recruiter).objects.get(pk=recruiter.pk))
        with django_assert_num_queries(6):
            response = client.get(reverse("candidate-list"), {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, 3)


def test_a_list_reads_only_the_columns_its_answer_shows(api, recruiter, interviewer):
    _populate(recruiter, interviewer, 2)
    with CaptureQueriesContext(connection) as captured:
        response = api.as_user(interviewer).get(reverse("interview-list"))
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 2
    rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "interviews_interview"."id"')]
    assert len(rows) == 1
    # Shown: the interview's columns, its candidate's name and key, its position's title (in each
    # language, the reader's shown).
    assert '"candidates_candidate"."full_name"' in rows[0]
    assert all(f'"candidates_position"."{title}"' in rows[0] for title in ("title_en", "title_zh_hans"))
    unshown = ("provider_meeting_id", "summary_sent_at", "resume_text", "dimension_weights", "headcount")
    assert not [column for column in unshown if column in rows[0]]
