"""The onboarding API's lists answer in a fixed number of queries, whatever the page size or the
number of rows: for the recruiter (every list) and for the candidate (their own decisions,
offers, plans and tasks). The counts are exact, so a new N+1 fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.services.applications import application_move
from candidates.services.candidates import candidate_portal_link
from onboarding.models import HRTask
from onboarding.services import decisions, notices, offers, plans
from onboarding.services.provisioning import provisioning_start
from tests.factories import make_application, make_candidate, make_hire
from tests.onboarding.provisioning_helpers import make_targets

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"scan" * 10

# Every list, as the recruiter reads it: (basename, queries). The common part, as in
# tests/test_api_queries.py: the test request's savepoint and its release (2), the user's roles
# and permissions (1), the COUNT and the page (2), then the audit write (the event's insert: 1; it
# is chained after the commit) = 6. A list with a prefetch adds one query for it.
RECRUITER_LISTS = {
    "decision": 6,
    "offer": 6,
    "background-check": 6,
    "onboarding-plan": 6,
    "onboarding-task": 7,  # + the tasks' documents (names and sizes)
    "onboarding-document": 6,
    "hr-task": 6,
    "provisioning-delivery": 6,
    "provisioning-target": 6,
    "candidate-message-text": 6,
}
# The candidate's own, read without the global permission: the same (their role names, which the
# policy asks for, come with their permissions), and their own record, once: the list's audit
# event keeps their address sealed under their key (audit.personal).
CANDIDATE_LISTS = {
    "decision": 7,
    "offer": 7,
    "onboarding-plan": 7,
    "onboarding-task": 8,
}


def _awaiting(recruiter, candidate):
    application = make_application(recruiter, candidate=candidate)
    for event in ("interview", "await_decision"):
        application_move(application=application, event=event, actor=recruiter)
    return application


def _populate(recruiter, candidate_user, count: int, *, texts: int) -> None:
    """`count` more of everything for the candidate of `candidate_user`: a hire accepted (plan,
    tasks, an uploaded document, deliveries to the targets set), a rejection, an HR task; and
    HR's message texts in `texts` languages."""
    candidate = getattr(candidate_user, "_test_candidate", None)
    if candidate is None:
        candidate = make_candidate(recruiter)
        candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
        candidate_user._test_candidate = candidate
    for _ in range(count):
        offer = make_hire(recruiter, application=_awaiting(recruiter, candidate))
        offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
        plan = offer.onboarding_plan
        provisioning_start(plan=plan, actor=recruiter)
        task = plan.tasks.filter(kind="document").first()
        plans.task_document_upload(
            task=task, filename="id.png", content_type="image/png", content=PNG, actor=candidate_user
        )
        decisions.decision_record(
            application=_awaiting(recruiter, candidate),
            outcome="reject",
            reason="Another candidate fits the role better.",
            actor=recruiter,
        )
        HRTask.objects.create(kind=HRTask.Kind.CHECK_INCONCLUSIVE, application=offer.application)
    for language in ("en", "zh-hans")[:texts]:
        notices.candidate_message_text_set(
            key="offer_cancelled",
            language=language,
            subject="About {position}",
            body="We are sorry.",
            actor=recruiter,
        )


def _queries(client, url, page_size):
    """Queries of one request by a fresh copy of the user, so no permission cache carries over."""
    user = client.handler._force_user
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.fixture
def targets(recruiter):
    return make_targets(recruiter, {"oa": "https://oa.example.com/hooks"})


@pytest.mark.parametrize(("basename", "expected"), RECRUITER_LISTS.items())
def test_recruiter_list_queries_are_exact_and_flat(
    api, recruiter, candidate_user, targets, basename, expected
):
    client = api.as_user(recruiter)
    url = reverse(f"{basename}-list")
    _populate(recruiter, candidate_user, 1, texts=1)
    small, rows_small = _queries(client, url, 1)
    _populate(recruiter, candidate_user, 3, texts=2)
    make_targets(recruiter, {"finance": "https://finance.example.com/hooks"})
    large, rows_large = _queries(client, url, 50)
    assert rows_large > rows_small
    assert (small, large) == (expected, expected)


@pytest.mark.parametrize(("basename", "expected"), CANDIDATE_LISTS.items())
def test_candidate_list_queries_are_exact_and_flat(
    api, recruiter, candidate_user, targets, basename, expected
):
    client = api.as_user(candidate_user)
    url = reverse(f"{basename}-list")
    _populate(recruiter, candidate_user, 1, texts=1)
    small, rows_small = _queries(client, url, 1)
    _populate(recruiter, candidate_user, 3, texts=1)
    large, rows_large = _queries(client, url, 50)
    assert rows_large > rows_small
    assert (small, large) == (expected, expected)


def test_exact_count_with_django_assert_num_queries(
    api, recruiter, candidate_user, targets, django_assert_num_queries
):
    _populate(recruiter, candidate_user, 2, texts=2)
    for user, lists in ((recruiter, RECRUITER_LISTS), (candidate_user, CANDIDATE_LISTS)):
        client = api.as_user(user)
        for basename, expected in lists.items():
            client.force_authenticate(type(user).objects.get(pk=user.pk))
            with django_assert_num_queries(expected):
                client.get(reverse(f"{basename}-list"), {"page_size": 25})
