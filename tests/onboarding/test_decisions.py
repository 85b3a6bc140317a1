"""Decisions: a named recruiter decides, a rejection has a reason, stages move, re-reviews."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from candidates.models import Application, Stage
from hrsuite.errors import Forbidden, InvalidTransition, ValidationFailed
from notifications.models import Notification
from onboarding.models import BackgroundCheck, Decision, Offer
from onboarding.services.decisions import decision_record, decision_review_request
from tests.factories import (
    application_awaiting_decision,
    make_application,
    make_interview,
    offer_terms,
)

pytestmark = pytest.mark.django_db


def _stage(application):
    return Application.objects.values_list("stage", flat=True).get(pk=application.pk)


@pytest.mark.parametrize("actor", ["system:ai", "provider:simulated", None])
def test_a_system_label_cannot_decide(recruiter, actor):
    application = application_awaiting_decision(recruiter)
    with pytest.raises(Forbidden, match="named person"):
        decision_record(application=application, outcome="reject", reason="Low score.", actor=actor)
    assert _stage(application) == Stage.DECISION and not Decision.objects.exists()


def test_only_a_recruiter_decides(recruiter, hr_admin, interviewer):
    application = application_awaiting_decision(recruiter)
    for person in (hr_admin, interviewer):
        with pytest.raises(Forbidden, match="recruiter"):
            decision_record(application=application, outcome="reject", reason="No.", actor=person)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(recruiter, reason):
    application = application_awaiting_decision(recruiter)
    with pytest.raises(ValidationFailed) as excinfo:
        decision_record(application=application, outcome="reject", reason=reason, actor=recruiter)
    assert "reason" in excinfo.value.fields
    assert _stage(application) == Stage.DECISION and not Decision.objects.exists()


def test_rejection_records_the_decider_and_moves_the_application(recruiter):
    application = application_awaiting_decision(recruiter)
    decision = decision_record(
        application=application, outcome="reject", reason="Missing SQL depth.", actor=recruiter
    )
    assert (decision.decided_by, decision.from_stage, decision.to_stage) == (
        recruiter,
        "decision",
        "rejected",
    )
    assert _stage(application) == Stage.REJECTED
    last_change = application.stage_history.order_by("-at").first()
    assert (last_change.actor, last_change.reason) == (recruiter, "Missing SQL depth.")
    event = AuditEvent.objects.filter(action="decision", target_id=str(decision.pk)).get()
    assert event.actor == recruiter and event.detail["outcome"] == "reject"
    # The reason is encrypted personal data: never copied into the trail.
    assert "Missing SQL depth." not in str(event.detail)


def test_advance_moves_to_the_next_stage(recruiter):
    application = make_application(recruiter)
    for expected in (Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION):
        decision_record(application=application, outcome="advance", actor=recruiter)
        assert _stage(application) == expected
    application.refresh_from_db()
    with pytest.raises(InvalidTransition, match="'decision' does not accept 'advance'"):
        decision_record(application=application, outcome="advance", actor=recruiter)


def test_hire_is_only_from_the_decision_stage(recruiter):
    application = make_application(recruiter)
    with pytest.raises(InvalidTransition, match="Application in state 'applied' does not accept 'hire'"):
        decision_record(
            application=application,
            outcome="hire",
            reason="Great",
            offer_terms=offer_terms(),
            actor=recruiter,
        )
    assert not Decision.objects.exists() and not Offer.objects.exists()


def test_hire_needs_offer_terms(recruiter):
    application = application_awaiting_decision(recruiter)
    with pytest.raises(ValidationFailed) as excinfo:
        decision_record(
            application=application, outcome="hire", offer_terms={"salary": "-1"}, actor=recruiter
        )
    assert {
        "offer.salary",
        "offer.currency",
        "offer.start_date",
        "offer.location",
        "offer.expires_at",
    } <= set(excinfo.value.fields)


def test_a_place_of_work_longer_than_200_characters_is_refused_naming_it(recruiter):
    application = application_awaiting_decision(recruiter)
    with pytest.raises(ValidationFailed) as excinfo:
        decision_record(
            application=application,
            outcome="hire",
            offer_terms=offer_terms(location="x" * 201),
            actor=recruiter,
        )
    assert excinfo.value.fields == {"offer.location": ["At most 200 characters."]}
    assert not Decision.objects.exists() and not Offer.objects.exists()
    decision_record(
        application=application, outcome="hire", offer_terms=offer_terms(location="x" * 200), actor=recruiter
    )
    assert Offer.objects.get().location == "x" * 200


def test_hire_drafts_the_offer_and_starts_the_check(recruiter):
    application = application_awaiting_decision(recruiter)
    decision = decision_record(
        application=application, outcome="hire", offer_terms=offer_terms(), actor=recruiter
    )
    assert _stage(application) == Stage.OFFER
    offer = Offer.objects.get(decision=decision)
    assert (offer.status, offer.salary, offer.currency) == ("draft", "420000.00", "CNY")
    check = BackgroundCheck.objects.get()
    assert (check.offer, check.status, check.provider_check_id) == (offer, "requested", f"simchk-{check.pk}")


def test_hire_without_the_check_when_policy_says_so(recruiter, settings):
    settings.HRSUITE_BACKGROUND_CHECK_ON_HIRE = False
    decision_record(
        application=application_awaiting_decision(recruiter),
        outcome="hire",
        offer_terms=offer_terms(),
        actor=recruiter,
    )
    assert Offer.objects.count() == 1 and not BackgroundCheck.objects.exists()


def test_plain_stage_moves_cannot_hire_or_reject(api, recruiter):
    application = application_awaiting_decision(recruiter)
    response = api.as_user(recruiter).post(
        reverse("application-move", args=[application.pk]), {"event": "reject"}, format="json"
    )
    assert response.status_code == 400
    assert _stage(application) == Stage.DECISION


def test_candidate_asks_for_a_re_review_and_recruiters_are_told(api, recruiter, candidate_user):
    from candidates.services.candidates import candidate_portal_link

    application = application_awaiting_decision(recruiter)
    make_interview(recruiter, application=application)
    candidate_portal_link(candidate=application.candidate, user=candidate_user, actor=recruiter)
    decision = decision_record(
        application=application, outcome="reject", reason="Other fit.", actor=recruiter
    )
    client = api.as_user(candidate_user)
    seen = client.get(reverse("decision-detail", args=[decision.pk])).json()
    assert "reason" not in seen and "decided_by" not in seen

    response = client.post(
        reverse("decision-request-review", args=[decision.pk]), {"note": "Please look again."}, format="json"
    )
    assert response.status_code == 200, response.content
    decision.refresh_from_db()
    assert decision.status == "review_requested" and decision.review_request_note == "Please look again."
    told = Notification.objects.get(recipient_user=recruiter, payload__reason="decision_review_requested")
    assert told.template == "re_review_requested" and told.payload["decision"] == str(decision.pk)

    again = client.post(reverse("decision-request-review", args=[decision.pk]), {}, format="json")
    assert again.status_code == 409
    assert (
        again.json()["error"]["message"]
        == "Decision in state 'review_requested' does not accept 'request_review'."
    )


def test_only_a_rejection_can_be_reviewed_again(recruiter):
    application = make_application(recruiter)
    decision = decision_record(application=application, outcome="advance", actor=recruiter)
    with pytest.raises(ValidationFailed):
        decision_review_request(decision=decision, actor="system:test")
