"""The permission policy for candidates acting through a signed link (`LinkActor`): only their
own candidate's objects, only what their link may do, in every service, even one called directly
rather than through the link's page."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from candidates.models import Candidate, Position
from hrsuite.errors import Forbidden
from hrsuite.permissions import LinkActor, candidate_path, get_for_change, may, require, restrict
from interviews.models import Interview
from interviews.services import scheduling
from onboarding.models import Offer, OnboardingDocument, OnboardingPlan, OnboardingTask
from onboarding.services import candidate_links, offers, plans
from tests.factories import application_awaiting_decision, make_candidate, make_hire, make_interview

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"scan" * 10


def _hire(recruiter):
    candidate = make_candidate(recruiter, preferred_language="en")
    return make_hire(recruiter, application=application_awaiting_decision(recruiter, candidate=candidate))


def _plan(recruiter) -> OnboardingPlan:
    offer = _hire(recruiter)
    candidate_links.offer_answer_by_link(token=candidate_links.offer_token(offer=offer), accept=True)
    return OnboardingPlan.objects.get(offer=offer)


def _actor(obj, link: str) -> LinkActor:
    return LinkActor(candidate_id=obj.application.candidate_id, link=link)


def _writes() -> int:
    return AuditEvent.objects.exclude(action__in=("view", "list")).count()


def test_the_candidate_of_each_model_is_found_along_its_foreign_keys():
    assert candidate_path(Interview) == "application__candidate_id"
    assert candidate_path(Offer) == "application__candidate_id"
    assert candidate_path(OnboardingTask) == "plan__application__candidate_id"
    assert candidate_path(OnboardingDocument) == "task__plan__application__candidate_id"
    assert candidate_path(Candidate) == "pk"
    assert candidate_path(Position) is None


# --- Offers ---------------------------------------------------------------------------------------


def test_a_link_actor_answers_only_its_own_candidates_offer(recruiter):
    mine, theirs = _hire(recruiter), _hire(recruiter)
    actor = _actor(mine, "offer")
    before = _writes()

    with pytest.raises(Forbidden):
        offers.offer_answer(offer=theirs, accept=True, actor=actor)
    with pytest.raises(Forbidden):
        offers.offer_answer(offer=theirs, accept=False, actor=actor)

    assert Offer.objects.get(pk=theirs.pk).status == Offer.Status.SENT
    assert _writes() == before
    # Its own, through the same service: allowed, and audited under the link's label.
    offers.offer_answer(offer=mine, accept=True, actor=actor)
    assert Offer.objects.get(pk=mine.pk).status == Offer.Status.ACCEPTED
    event = AuditEvent.objects.get(target_id=str(mine.pk), detail__event="accept")
    assert event.actor_label == f"candidate-link:{mine.application.candidate_id}" and event.actor is None


def test_a_link_actor_sees_only_its_own_candidates_sent_offers(recruiter):
    mine, theirs = _hire(recruiter), _hire(recruiter)
    draft = make_hire(recruiter, application=application_awaiting_decision(recruiter), send=False)
    actor = _actor(mine, "offer")
    assert list(restrict(Offer.objects.all(), user=actor)) == [mine]
    assert not restrict(Offer.objects.filter(pk=draft.pk), user=_actor(draft, "offer")).exists()
    assert may(actor, "answer", Offer) and not may(actor, "change", Offer)
    assert not restrict(Offer.objects.filter(pk=theirs.pk), user=actor, action="answer").exists()


def test_hr_actions_on_the_offer_are_refused_to_a_link_actor(recruiter):
    offer = _hire(recruiter)
    with pytest.raises(Forbidden):
        offers.offer_cancel(offer=offer, actor=_actor(offer, "offer"))
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.SENT


# --- Onboarding plans and tasks ---------------------------------------------------------------------


def test_a_link_actor_uploads_to_and_confirms_only_its_own_candidates_tasks(recruiter):
    mine, theirs = _plan(recruiter), _plan(recruiter)
    actor = _actor(mine, "onboarding")
    their_document = theirs.tasks.filter(kind="document").first()
    their_form = theirs.tasks.get(kind="confirm")
    before = _writes()

    with pytest.raises(Forbidden):
        plans.task_document_upload(
            task=their_document, filename="id.png", content_type="image/png", content=PNG, actor=actor
        )
    with pytest.raises(Forbidden):
        plans.task_confirm(task=their_form, actor=actor)

    assert not OnboardingDocument.objects.exists()
    assert set(theirs.tasks.values_list("status", flat=True)) == {"open"}
    assert _writes() == before
    plans.task_confirm(task=mine.tasks.get(kind="confirm"), actor=actor)
    assert mine.tasks.get(kind="confirm").status == "done"


def test_a_link_actor_cannot_do_hrs_part_of_its_own_plan(recruiter):
    plan = _plan(recruiter)
    actor = _actor(plan, "onboarding")
    hr_task = plan.tasks.filter(assignee="hr").first()
    with pytest.raises(Forbidden):
        plans.task_complete(task=hr_task, actor=actor)
    with pytest.raises(Forbidden):
        plans.task_confirm(task=hr_task, actor=actor)  # HR's task is not among the new hire's
    with pytest.raises(Forbidden):
        plans.plan_cancel(plan=plan, reason="hire_withdrew", actor=actor)
    assert plan.tasks.get(pk=hr_task.pk).status == "open"
    assert OnboardingPlan.objects.get(pk=plan.pk).status == "open"
    # What the link reads of its own plan: the new hire's tasks only.
    assert set(restrict(plan.tasks.all(), user=actor).values_list("assignee", flat=True)) == {"new_hire"}


def test_a_link_acts_only_as_its_kind_allows(recruiter):
    plan = _plan(recruiter)
    offer_link = _actor(plan, "offer")
    with pytest.raises(Forbidden):
        plans.task_confirm(task=plan.tasks.get(kind="confirm"), actor=offer_link)
    onboarding_link = _actor(plan, "onboarding")
    with pytest.raises(Forbidden):
        get_for_change(Offer.objects, user=onboarding_link, pk=plan.offer_id, action="answer")
    assert not may(LinkActor(candidate_id=plan.application.candidate_id, link="unknown"), "view", Offer)


# --- Interviews -----------------------------------------------------------------------------------


def test_a_link_actor_moves_or_cancels_only_its_own_candidates_interview(recruiter):
    mine, theirs = make_interview(recruiter), make_interview(recruiter)
    actor = _actor(mine, "interview")
    later = timezone.now() + datetime.timedelta(days=3)

    with pytest.raises(Forbidden):
        scheduling.interview_reschedule(interview=theirs, starts_at=later, actor=actor)
    with pytest.raises(Forbidden):
        scheduling.interview_cancel(interview=theirs, reason="Not me.", actor=actor)
    # Another link of the same candidate (their offer's) cannot move their interview either.
    with pytest.raises(Forbidden):
        scheduling.interview_reschedule(interview=mine, starts_at=later, actor=_actor(mine, "offer"))

    theirs.refresh_from_db()
    assert (theirs.status, theirs.calendar_sequence) == (Interview.Status.SCHEDULED, 0)
    assert list(restrict(Interview.objects.all(), user=actor)) == [mine]


# --- Text labels ----------------------------------------------------------------------------------


def test_a_text_label_naming_a_candidate_link_is_refused(recruiter):
    offer = _hire(recruiter)
    label = f"candidate-link:{offer.application.candidate_id}"
    with pytest.raises(Forbidden):
        offers.offer_answer(offer=offer, accept=True, actor=label)
    with pytest.raises(Forbidden):
        require(label, "add", Offer)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.SENT
