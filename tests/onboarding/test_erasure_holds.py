"""What holds a candidate's data back from erasure: an open offer, their employment, a re-review
they asked for that HR has not answered."""

from onboarding.selectors import erasure_holds
from onboarding.services.decisions import decision_record, decision_review_request
from onboarding.services.offers import offer_answer, offer_cancel
from onboarding.services.plans import plan_cancel
from tests.factories import application_awaiting_decision, make_application, make_hire


def _codes(candidate_id) -> list[str]:
    return [hold.code for hold in erasure_holds(candidate_id=candidate_id)]


def test_a_candidate_in_the_pipeline_may_be_erased(recruiter):
    application = make_application(recruiter)

    assert _codes(application.candidate_id) == []


def test_an_open_offer_holds_until_it_is_withdrawn(recruiter):
    offer = make_hire(recruiter)
    candidate_id = offer.application.candidate_id
    assert _codes(candidate_id) == ["offer_open"]
    assert "withdraw" in erasure_holds(candidate_id=candidate_id)[0].reason

    offer_cancel(offer=offer, reason="Position closed", actor=recruiter)

    assert _codes(candidate_id) == []


def test_employment_holds(recruiter):
    offer = make_hire(recruiter)

    offer_answer(offer=offer, accept=True, actor="system:test")

    assert _codes(offer.application.candidate_id) == ["employed"]


def test_an_unanswered_re_review_holds(recruiter):
    application = application_awaiting_decision(recruiter)
    rejection = decision_record(application=application, outcome="reject", reason="Not now.", actor=recruiter)

    decision_review_request(decision=rejection, note="Please look again.", actor="system:test")

    assert _codes(application.candidate_id) == ["review_pending"]


def test_a_hire_who_withdrew_before_starting_is_no_longer_held(recruiter):
    offer = make_hire(recruiter)
    offer_answer(offer=offer, accept=True, actor="system:test")

    plan_cancel(plan=offer.onboarding_plan, reason="hire_withdrew", actor=recruiter)

    assert _codes(offer.application.candidate_id) == []
