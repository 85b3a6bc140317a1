"""An interviewer's interview list: paged along their assignments (which carry each interview's
start), in the list's order and count, filtered or not, with only their own interviews."""

import datetime

import pytest

from interviews.models import Interview
from interviews.services.assignments import assignment_create, assignment_delete
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
