"""Offers: the transition table, the approval chain, salary at rest, the candidate's answer, expiry."""

import datetime
import itertools

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from candidates.models import Stage
from candidates.services.candidates import candidate_portal_link
from hrsuite.errors import Forbidden, InvalidTransition
from hrsuite.roles import Role
from onboarding.models import Offer
from onboarding.services import offers
from onboarding.services.offers import OFFER_EVENTS, OFFER_TRANSITIONS
from onboarding.tasks import offers_expire
from tests.factories import make_hire, make_user

pytestmark = pytest.mark.django_db
OfferStatus = Offer.Status


@pytest.fixture
def sent_offer(recruiter, candidate_user):
    offer = make_hire(recruiter)
    candidate_portal_link(candidate=offer.application.candidate, user=candidate_user, actor=recruiter)
    return offer


def _status(offer):
    return Offer.objects.values_list("status", flat=True).get(pk=offer.pk)


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (s, e)
        for s, e in itertools.product(OfferStatus.values, OFFER_EVENTS)
        if (s, e) not in OFFER_TRANSITIONS
    ],
)
def test_every_transition_outside_the_table_is_refused_with_state_and_event(recruiter, state, event):
    offer = make_hire(recruiter, send=False)
    Offer.objects.filter(pk=offer.pk).update(status=state)
    offer.refresh_from_db()
    with pytest.raises(InvalidTransition) as excinfo:
        offers.offer_transition(offer=offer, event=event, actor=recruiter)
    assert excinfo.value.status_code == 409
    assert str(excinfo.value) == f"Offer in state '{state}' does not accept '{event}'."
    assert _status(offer) == state


def test_compare_and_set_refuses_a_stale_read(recruiter):
    offer = make_hire(recruiter, send=False)
    stale = Offer.objects.get(pk=offer.pk)
    offers.offer_cancel(offer=offer, actor=recruiter)
    with pytest.raises(InvalidTransition, match="'cancelled' does not accept 'approve'"):
        offers.offer_transition(offer=stale, event="approve", actor=recruiter)


def test_invalid_transition_over_the_api_is_409_naming_state_and_event(api, recruiter, sent_offer):
    response = api.as_user(recruiter).post(reverse("offer-send", args=[sent_offer.pk]))
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "invalid_transition",
        "message": "Offer in state 'sent' does not accept 'send'.",
        "fields": {},
    }


def test_approvers_decide_in_order_and_a_rejection_returns_to_draft(recruiter):
    first, second = make_user(Role.RECRUITER), make_user(Role.RECRUITER)
    offer = make_hire(recruiter, send=False)
    offers.offer_submit(offer=offer, approvers=[first, second], actor=recruiter)
    assert _status(offer) == OfferStatus.PENDING_APPROVAL
    with pytest.raises(Forbidden, match="not your turn"):
        offers.offer_approval_decide(offer=offer, approve=True, actor=second)
    offers.offer_approval_decide(offer=offer, approve=True, note="Budget ok", actor=first)
    assert _status(offer) == OfferStatus.PENDING_APPROVAL
    offers.offer_approval_decide(offer=offer, approve=False, note="Too high", actor=second)
    assert _status(offer) == OfferStatus.DRAFT

    offers.offer_submit(offer=offer, approvers=[first, second], actor=recruiter)
    offers.offer_approval_decide(offer=offer, approve=True, actor=first)
    offers.offer_approval_decide(offer=offer, approve=True, actor=second)
    assert _status(offer) == OfferStatus.APPROVED
    rounds = list(offer.approvals.values_list("round", "order", "status"))
    assert rounds == [(1, 1, "approved"), (1, 2, "rejected"), (2, 1, "approved"), (2, 2, "approved")]


def test_the_approval_chain_over_the_api_approves_and_rejects(api, recruiter):
    first, second = make_user(Role.RECRUITER), make_user(Role.RECRUITER)
    offer = make_hire(recruiter, send=False)
    submitted = api.as_user(recruiter).post(
        reverse("offer-submit", args=[offer.pk]), {"approvers": [first.pk, second.pk]}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == OfferStatus.PENDING_APPROVAL

    approved = api.as_user(first).post(reverse("offer-approve", args=[offer.pk]), {"note": "Budget ok"})
    rejected = api.as_user(second).post(reverse("offer-reject", args=[offer.pk]), {"note": "Too high"})

    assert approved.status_code == 200 and approved.json()["status"] == OfferStatus.PENDING_APPROVAL
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == OfferStatus.DRAFT
    assert [a["status"] for a in rejected.json()["approvals"]] == ["approved", "rejected"]


def test_salary_is_encrypted_in_the_database(recruiter):
    offer = make_hire(recruiter, send=False, salary="987654.00")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT salary FROM onboarding_offer WHERE id = %s",
            [offer.pk.hex if connection.vendor == "sqlite" else offer.pk],
        )
        (raw,) = cursor.fetchone()
    assert raw and "987654" not in raw
    assert Offer.objects.get(pk=offer.pk).salary == "987654.00"


def test_candidate_sees_and_accepts_their_own_sent_offer(api, recruiter, candidate_user, sent_offer):
    client = api.as_user(candidate_user)
    seen = client.get(reverse("offer-detail", args=[sent_offer.pk])).json()
    assert seen["salary"] == "420000.00" and "approvals" not in seen
    response = client.post(reverse("offer-accept", args=[sent_offer.pk]))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert _status(sent_offer) == OfferStatus.ACCEPTED


def test_candidate_cannot_see_another_candidates_offer_or_a_draft(api, recruiter, candidate_user, sent_offer):
    other = make_hire(recruiter)
    draft = make_hire(recruiter, send=False)
    candidate_portal_link(
        candidate=draft.application.candidate, user=make_user(Role.CANDIDATE), actor=recruiter
    )
    client = api.as_user(candidate_user)
    listed = {row["id"] for row in client.get(reverse("offer-list")).json()["results"]}
    assert listed == {str(sent_offer.pk)}
    for hidden in (other, draft):
        assert client.get(reverse("offer-detail", args=[hidden.pk])).status_code == 404
        assert client.post(reverse("offer-accept", args=[hidden.pk])).status_code == 404
    assert _status(other) == OfferStatus.SENT


def test_interviewer_sees_no_offer_and_hr_admin_changes_none(api, interviewer, hr_admin, sent_offer):
    assert api.as_user(interviewer).get(reverse("offer-list")).json()["results"] == []
    assert api.as_user(interviewer).get(reverse("offer-detail", args=[sent_offer.pk])).status_code == 404
    admin = api.as_user(hr_admin)
    assert admin.get(reverse("offer-detail", args=[sent_offer.pk])).json()["salary"] == "420000.00"
    assert admin.post(reverse("offer-cancel", args=[sent_offer.pk])).status_code == 403


def test_an_answer_after_expiry_is_refused_and_changes_nothing(api, candidate_user, sent_offer):
    later = sent_offer.expires_at + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = api.as_user(candidate_user).post(reverse("offer-accept", args=[sent_offer.pk]))
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Offer in state 'expired' does not accept 'accept'."
    sent_offer.refresh_from_db()
    assert (sent_offer.status, sent_offer.answered_at) == (OfferStatus.SENT, None)


def test_the_periodic_task_expires_sent_offers_once(recruiter, sent_offer):
    still_open = make_hire(recruiter, expires_at=(timezone.now() + datetime.timedelta(days=30)).isoformat())
    with time_machine.travel(sent_offer.expires_at - datetime.timedelta(seconds=1), tick=False):
        assert offers_expire() == 0
    with time_machine.travel(sent_offer.expires_at + datetime.timedelta(seconds=1), tick=False):
        assert offers_expire() == 1
        assert offers_expire() == 0
    assert _status(sent_offer) == OfferStatus.EXPIRED and _status(still_open) == OfferStatus.SENT
    sent_offer.application.refresh_from_db()
    assert sent_offer.application.stage == Stage.WITHDRAWN


def test_a_declined_offer_withdraws_the_application(api, candidate_user, sent_offer):
    response = api.as_user(candidate_user).post(reverse("offer-decline", args=[sent_offer.pk]))
    assert response.status_code == 200, response.content
    assert _status(sent_offer) == OfferStatus.DECLINED
    sent_offer.application.refresh_from_db()
    assert sent_offer.application.stage == Stage.WITHDRAWN
    change = sent_offer.application.stage_history.order_by("at").last()
    assert (change.from_stage, change.to_stage, change.actor) == (Stage.OFFER, Stage.WITHDRAWN, None)


def test_beat_runs_the_expiry():
    from config.celery import app

    assert any(e["task"] == "onboarding.tasks.offers_expire" for e in app.conf.beat_schedule.values())
