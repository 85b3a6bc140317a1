"""An interviewer's candidate list: read along their grants, newest assignment first, in as many
queries whatever they hold, with the same rows, count and audit event as before."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from candidates.models import Candidate
from interviews.services.assignments import assignment_create, assignment_delete
from tests.factories import make_candidate, make_interview

pytestmark = pytest.mark.django_db
# Each interview an hour after the last: an interviewer is never booked twice at once.
_hours = itertools.count()


def _interview(recruiter, application):
    return make_interview(
        recruiter, application=application, starts_in=datetime.timedelta(days=2, hours=next(_hours))
    )


def _assign(recruiter, interviewer, count, **candidate):
    """`count` new candidates, each with an interview assigned to `interviewer`, in that order."""
    assigned = []
    for _ in range(count):
        interview = _interview(recruiter, _application(recruiter, **candidate))
        assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
        assigned.append(interview.application.candidate)
    return assigned


def _application(recruiter, **candidate):
    from tests.factories import make_application

    return make_application(recruiter, candidate=make_candidate(recruiter, **candidate))


def _listed(api, user, **params):
    api.force_authenticate(type(user).objects.get(pk=user.pk))
    response = api.get("/api/candidates/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _ids(answer) -> list[str]:
    return [row["id"] for row in answer["results"]]


def test_interviewer_sees_their_assigned_candidates_newest_assignment_first(
    api, recruiter, interviewer, other_interviewer
):
    earlier = _application(recruiter)
    mine = _assign(recruiter, interviewer, 3)
    others = _assign(recruiter, other_interviewer, 2)
    # Made before the others, assigned after them: first in the list.
    interview = _interview(recruiter, earlier)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)

    answer = _listed(api, interviewer)

    assert _ids(answer) == [str(earlier.candidate.pk), *(str(c.pk) for c in reversed(mine))]
    assert answer["count"] == 4
    assert not {str(c.pk) for c in others} & set(_ids(answer))


def test_recruiter_still_sees_every_candidate_newest_first(api, recruiter, interviewer):
    _assign(recruiter, interviewer, 2)
    make_candidate(recruiter)

    answer = _listed(api, recruiter)

    newest_first = Candidate.objects.order_by("-created_at", "id").values_list("pk", flat=True)
    assert _ids(answer) == [str(pk) for pk in newest_first]
    assert answer["count"] == 3


def test_unassigned_candidate_leaves_the_interviewer_list_and_its_count(api, recruiter, interviewer):
    kept, dropped = _assign(recruiter, interviewer, 2)
    assignment = dropped.applications.get().interviews.get().assignments.get()
    assignment_delete(assignment=assignment, actor=recruiter)

    answer = _listed(api, interviewer)

    assert _ids(answer) == [str(kept.pk)]
    assert answer["count"] == 1


def test_filtered_interviewer_list_counts_its_matches(api, recruiter, interviewer):
    _assign(recruiter, interviewer, 2, region="CN")
    in_sg = _assign(recruiter, interviewer, 1, region="SG")

    answer = _listed(api, interviewer, region="SG")

    assert _ids(answer) == [str(in_sg[0].pk)]
    assert answer["count"] == 1


def test_interviewer_list_pages_and_counts_past_the_first_page(api, recruiter, interviewer):
    assigned = _assign(recruiter, interviewer, 5)

    second = _listed(api, interviewer, page=2, page_size=2)
    last = _listed(api, interviewer, page=3, page_size=2)

    assert second["count"] == 5
    assert _ids(second) == [str(assigned[2].pk), str(assigned[1].pk)]
    assert _ids(last) == [str(assigned[0].pk)]
    assert last["next"] is None


def test_interviewer_list_is_one_audit_event_with_the_ids_it_shows(api, recruiter, interviewer):
    assigned = _assign(recruiter, interviewer, 3)

    answer = _listed(api, interviewer, page_size=2)

    event = AuditEvent.objects.filter(action="list", target_type="candidates.candidate").latest("seq")
    assert event.actor_id == interviewer.pk
    assert event.target_ids == _ids(answer) == [str(assigned[2].pk), str(assigned[1].pk)]


def _queries(api, user, **params) -> int:
    api.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/candidates/", params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"page": 2, "page_size": 2}, {"region": "CN"}])
def test_interviewer_list_queries_do_not_grow_with_their_assignments(api, recruiter, interviewer, params):
    _assign(recruiter, interviewer, 3)
    few = _queries(api, interviewer, **params)
    _assign(recruiter, interviewer, 27)

    assert _queries(api, interviewer, **params) == few


def test_interviewer_list_reads_its_page_along_the_grants(recruiter, interviewer):
    """The page is ordered by the grants (their index), not by a column of every candidate
    granted, and the count reads the grants alone."""
    from candidates.selectors import candidate_list_count, candidate_list_for

    _assign(recruiter, interviewer, 3)
    page = str(candidate_list_for(user=interviewer)[:25].query)

    assert "candidateuserobjectpermission" in page
    assert 'ORDER BY "candidates_candidateuserobjectpermission"."id" DESC' in page
    with CaptureQueriesContext(connection) as captured:
        assert candidate_list_count(user=interviewer) == 3
    counted = captured[-1]["sql"].replace("candidates_candidateuserobjectpermission", "grants")
    assert "candidates_candidate" not in counted
    assert candidate_list_count(user=interviewer, filters={"region": "CN"}) is None
    assert candidate_list_count(user=recruiter) is None
