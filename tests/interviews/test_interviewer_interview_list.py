"""An interviewer's interview list: paged along their assignments (which carry each interview's
start), in the list's order and count, filtered or not, with only their own interviews."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.models import Interview
from interviews.services.assignments import assignment_create, assignment_delete
from interviews.services.scheduling import assignments_follow
from tests.factories import make_interview

pytestmark = pytest.mark.django_db


def _assigned(recruiter, interviewer, hours: list[int]) -> list[Interview]:
    interviews = []
    for hour in hours:
        interview = make_interview(recruiter, starts_in=datetime.timedelta(days=2, hours=hour))
        assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
        interviews.append(interview)
    return interviews


def _pages(api, user, **params) -> tuple[list[str], int]:
    api.force_authenticate(type(user).objects.get(pk=user.pk))
    ids, page, count = [], 1, None
    while True:
        answer = api.get("/api/interviews/", {"page_size": 4, "page": page, **params})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        ids += [row["id"] for row in body["results"]]
        count = body["count"]
        if not body["next"]:
            return ids, count
        page += 1


def test_interviewer_lists_their_interviews_by_start_on_every_page(
    api, recruiter, interviewer, other_interviewer
):
    # Assigned out of their order of start; another interviewer's in between.
    mine = _assigned(recruiter, interviewer, [9, 3, 7, 1, 5, 11, 2, 8, 4, 10])
    _assigned(recruiter, other_interviewer, [6, 12])
    in_order = [str(i.pk) for i in sorted(mine, key=lambda i: (i.starts_at, str(i.pk)))]

    assert _pages(api, interviewer) == (in_order, 10)
    # Filtered, the list is read as before: the same rows in the same order.
    assert _pages(api, interviewer, status=Interview.Status.SCHEDULED) == (in_order, 10)
    # Past the end: 404, as any page number past the end.
    api.force_authenticate(interviewer)
    assert api.get("/api/interviews/", {"page_size": 4, "page": 4}).status_code == 404

    assignment_delete(assignment=mine[0].assignments.get(), actor=recruiter)
    assert _pages(api, interviewer) == ([pk for pk in in_order if pk != str(mine[0].pk)], 9)


def test_a_list_filtered_by_status_and_time_is_paged_on_the_assignments_too(
    api, recruiter, interviewer, other_interviewer
):
    mine = _assigned(recruiter, interviewer, [9, 3, 7, 1, 5, 11, 2, 8])
    _assigned(recruiter, other_interviewer, [6, 12])
    for interview in mine[:3]:
        Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)
        assignments_follow(Interview.objects.get(pk=interview.pk))
    cut = min(i.starts_at for i in mine) + datetime.timedelta(hours=4)
    expected = {
        "status": lambda i: i.pk not in {m.pk for m in mine[:3]},
        "starts_after": lambda i: i.starts_at >= cut,
        "starts_before": lambda i: i.starts_at < cut,
    }
    values = {
        "status": Interview.Status.SCHEDULED,
        "starts_after": cut.isoformat(),
        "starts_before": cut.isoformat(),
    }

    for name, keep in expected.items():
        wanted = [str(i.pk) for i in sorted(mine, key=lambda i: (i.starts_at, str(i.pk))) if keep(i)]
        assert _pages(api, interviewer, **{name: values[name]}) == (wanted, len(wanted)), name
        with CaptureQueriesContext(connection) as queries:
            api.get("/api/interviews/", {"page_size": 4, name: values[name]})
        # Picked and counted on the assignments: the interviews are read only by the page's keys.
        read = [q["sql"] for q in queries if 'FROM "interviews_interview"' in q["sql"]]
        assert read and all('"interviews_interview"."id" IN (' in sql for sql in read), read


def test_a_bad_filter_is_still_refused_naming_it(api, recruiter, interviewer):
    _assigned(recruiter, interviewer, [1])
    api.force_authenticate(interviewer)

    answer = api.get("/api/interviews/", {"status": "maybe"})

    assert answer.status_code == 400
    assert "status" in answer.json()["error"]["fields"]
