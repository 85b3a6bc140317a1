"""Cancelling a hire's onboarding plan: the hire withdrew before the first day, or the offer is
withdrawn after acceptance. The plan and its open tasks move by their tables (audited), waiting
reminders are dropped (and re-checked at send time), deliveries not made are cancelled and those
made become an HR task, the candidate is told in their language; only a recruiter may do it."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from candidates.models import Application, Stage
from candidates.services.candidates import candidate_portal_link
from hrsuite.errors import Forbidden, InvalidTransition, ValidationFailed
from notifications.models import Notification
from notifications.services.outbox import notification_retry, outbox_dispatch
from onboarding.models import HRTask, Offer, OnboardingPlan, OnboardingTask, ProvisioningDelivery
from onboarding.services import candidate_links, offers, plans
from onboarding.services.notices import OnboardingMessage
from onboarding.services.provisioning import provisioning_dispatch, provisioning_retry
from tests.factories import make_application, make_candidate, make_hire
from tests.onboarding.provisioning_helpers import make_targets

pytestmark = pytest.mark.django_db
TS = OnboardingTask.Status


def _accept(recruiter, candidate_user, *, language="en") -> OnboardingPlan:
    candidate = make_candidate(recruiter, preferred_language=language)
    offer = make_hire(
        recruiter,
        application=_awaiting(recruiter, candidate),
        start_date=(datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    )
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    return OnboardingPlan.objects.get(offer=offer)


def _awaiting(recruiter, candidate):
    from candidates.services.applications import application_move

    application = make_application(recruiter, candidate=candidate)
    for event in ("interview", "await_decision"):
        application_move(application=application, event=event, actor=recruiter)
    return application


@pytest.fixture
def accepted(recruiter, candidate_user):
    return _accept(recruiter, candidate_user)


def _cancel(api, user, plan, reason="hire_withdrew"):
    return api.as_user(user).post(
        reverse("onboarding-plan-cancel", args=[plan.pk]), {"reason": reason}, format="json"
    )


def _reminders(plan):
    return Notification.objects.filter(
        template=OnboardingMessage.ONBOARDING_TASK_REMINDER, payload__plan=str(plan.pk)
    )


def _told(plan):
    return Notification.objects.filter(
        template=OnboardingMessage.ONBOARDING_CANCELLED, payload__plan=str(plan.pk)
    )


# --- The cancellation ----------------------------------------------------------------------------


def test_recruiter_cancels_when_the_hire_withdraws_closing_open_tasks_and_reminders(
    api, accepted, recruiter, candidate_user
):
    confirmed = accepted.tasks.get(kind="confirm")
    plans.task_confirm(task=confirmed, actor=candidate_user)
    assert _reminders(accepted).filter(status="pending").count() == 5

    response = _cancel(api, recruiter, accepted)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "hire_withdrew")
    accepted.refresh_from_db()
    assert accepted.status == OnboardingPlan.Status.CANCELLED and accepted.cancelled_at is not None
    statuses = dict(accepted.tasks.values_list("pk", "status"))
    assert statuses.pop(confirmed.pk) == TS.DONE  # what was done stays done
    assert set(statuses.values()) == {TS.CANCELLED}
    dropped = set(_reminders(accepted).values_list("status", "last_error"))
    assert dropped == {("cancelled", "The onboarding plan is cancelled.")}
    # The offer stands as accepted: the hire withdrew, nobody withdrew the offer.
    assert Offer.objects.get(pk=accepted.offer_id).status == Offer.Status.ACCEPTED
    [told] = _told(accepted)
    assert (told.candidate_id, told.payload["reason"]) == (accepted.application.candidate_id, "hire_withdrew")
    # No longer a hire: the application is withdrawn, with the reason in its stage history.
    application = Application.objects.get(pk=accepted.application_id)
    assert application.stage == Stage.WITHDRAWN
    move = application.stage_history.latest("at")
    assert (move.from_stage, move.to_stage, move.reason, move.actor) == (
        Stage.HIRED,
        Stage.WITHDRAWN,
        "hire_withdrew",
        recruiter,
    )


def test_every_transition_of_the_cancellation_is_in_the_audit_trail(api, accepted, recruiter):
    _cancel(api, recruiter, accepted)
    event = AuditEvent.objects.get(target_id=str(accepted.pk), detail__event="cancel")
    assert event.actor_label == recruiter.username and event.actor == recruiter
    assert event.detail["from"] == "open" and event.detail["to"] == "cancelled"
    assert event.detail["reason"] == "hire_withdrew"
    assert len(event.detail["tasks_cancelled"]) == 5
    assert event.candidate_id == accepted.application.candidate_id
    task_events = AuditEvent.objects.filter(
        target_type="onboarding.onboardingtask", detail__event="cancel", actor=recruiter
    )
    assert sorted(e.target_id for e in task_events) == sorted(event.detail["tasks_cancelled"])


def test_a_reminder_retried_after_the_cancellation_is_dropped_at_send_time(api, accepted, recruiter):
    # A reminder that had failed (so was not waiting) when the plan was cancelled, then retried by HR.
    reminder = _reminders(accepted).filter(candidate__isnull=False).first()
    Notification.objects.filter(pk=reminder.pk).update(status=Notification.Status.FAILED)
    _cancel(api, recruiter, accepted)
    reminder.refresh_from_db()
    assert reminder.status == Notification.Status.FAILED

    notification_retry(notification=reminder, actor=recruiter)
    outbox_dispatch()

    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == ("cancelled", "The onboarding plan is cancelled.")


def test_the_first_day_notice_still_waiting_is_dropped(api, accepted, recruiter):
    from onboarding.services.notices import onboarding_notice_queue

    offer = Offer.objects.select_related("application__candidate").get(pk=accepted.offer_id)
    notice = onboarding_notice_queue(offer=offer)
    Notification.objects.filter(pk=notice.pk).update(due_at=timezone.now() + datetime.timedelta(hours=1))
    _cancel(api, recruiter, accepted)
    notice.refresh_from_db()
    assert notice.status == "cancelled"


def test_the_offer_withdrawn_after_acceptance_cancels_offer_and_plan_and_tells_the_candidate_once(
    api, accepted, recruiter
):
    response = api.as_user(recruiter).post(reverse("offer-cancel", args=[accepted.offer_id]))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    accepted.refresh_from_db()
    assert (accepted.status, accepted.cancel_reason) == ("cancelled", "offer_withdrawn")
    assert not accepted.tasks.filter(status=TS.OPEN).exists()
    # One message about it: the plan's, not also the offer's.
    assert _told(accepted).count() == 1
    assert not Notification.objects.filter(template=OnboardingMessage.OFFER_CANCELLED).exists()
    offer_event = AuditEvent.objects.get(target_id=str(accepted.offer_id), detail__event="cancel")
    assert (offer_event.detail["from"], offer_event.detail["onboarding_plan"]) == (
        "accepted",
        str(accepted.pk),
    )


def test_cancelling_with_offer_withdrawn_cancels_the_accepted_offer(api, accepted, recruiter):
    assert _cancel(api, recruiter, accepted, reason="offer_withdrawn").status_code == 200
    assert Offer.objects.get(pk=accepted.offer_id).status == Offer.Status.CANCELLED


def test_a_completed_plan_can_still_be_cancelled_before_the_first_day(
    api, accepted, recruiter, candidate_user
):
    for task in accepted.tasks.all():
        if task.assignee == "hr":
            plans.task_complete(task=task, actor=recruiter)
        elif task.kind == "confirm":
            plans.task_confirm(task=task, actor=candidate_user)
        else:
            plans.task_document_upload(
                task=task,
                filename="id.pdf",
                content_type="application/pdf",
                content=b"%PDF-1.7\nscan",
                actor=candidate_user,
            )
    accepted.refresh_from_db()
    assert accepted.status == OnboardingPlan.Status.COMPLETE

    assert _cancel(api, recruiter, accepted).json()["status"] == "cancelled"
    assert set(accepted.tasks.values_list("status", flat=True)) == {TS.DONE}


# --- Refusals -----------------------------------------------------------------------------------


def test_a_cancelled_plan_is_not_cancelled_again_409_naming_the_state(api, accepted, recruiter):
    _cancel(api, recruiter, accepted)
    # The read of the plan is audited; nothing else is written.
    changes = AuditEvent.objects.exclude(action="view")
    before = (changes.count(), Notification.objects.count())
    response = _cancel(api, recruiter, accepted, reason="offer_withdrawn")
    assert response.status_code == 409
    assert (
        response.json()["error"]["message"]
        == "Onboarding plan in state 'cancelled' does not accept 'cancel'."
    )
    assert (changes.count(), Notification.objects.count()) == before
    assert Offer.objects.get(pk=accepted.offer_id).status == Offer.Status.ACCEPTED


def test_a_missing_or_unknown_reason_is_a_field_error_and_changes_nothing(api, accepted, recruiter):
    for body in ({}, {"reason": "changed_mind"}):
        response = api.as_user(recruiter).post(
            reverse("onboarding-plan-cancel", args=[accepted.pk]), body, format="json"
        )
        assert response.status_code == 400
        assert "reason" in response.json()["error"]["fields"]
    with pytest.raises(ValidationFailed):
        plans.plan_cancel(plan=accepted, reason="changed_mind", actor="system:test")
    accepted.refresh_from_db()
    assert accepted.status == OnboardingPlan.Status.OPEN
    assert not accepted.tasks.filter(status=TS.CANCELLED).exists()


def test_hr_admin_candidate_and_interviewer_cannot_cancel(
    api, accepted, hr_admin, candidate_user, interviewer
):
    assert _cancel(api, hr_admin, accepted).status_code == 403
    assert _cancel(api, candidate_user, accepted).status_code == 403
    assert _cancel(api, interviewer, accepted).status_code == 403
    # Nor through the service directly.
    for actor in (hr_admin, candidate_user, interviewer):
        with pytest.raises(Forbidden):
            plans.plan_cancel(plan=accepted, reason="hire_withdrew", actor=actor)
    accepted.refresh_from_db()
    assert accepted.status == OnboardingPlan.Status.OPEN
    assert not _told(accepted).exists()


def test_after_cancellation_the_new_hire_can_do_nothing_more(api, accepted, recruiter, candidate_user):
    link = candidate_links.onboarding_url(plan=accepted)
    _cancel(api, recruiter, accepted)
    task = accepted.tasks.filter(kind="confirm").get()
    response = api.as_user(candidate_user).post(reverse("onboarding-task-confirm", args=[task.pk]))
    assert response.status_code == 409
    assert Client().get(link.replace("http://127.0.0.1:8000", "")).status_code == 410
    # The plan and its tasks still show the candidate what happened.
    plan = api.as_user(candidate_user).get(reverse("onboarding-plan-detail", args=[accepted.pk])).json()
    assert plan["status"] == "cancelled" and {t["status"] for t in plan["tasks"]} == {"cancelled"}


# --- Provisioning -------------------------------------------------------------------------------


def test_deliveries_not_made_are_cancelled_and_those_made_become_an_hr_task(
    api, recruiter, candidate_user, http_receiver, settings
):
    settings.HRSUITE_PROVISIONING_MAX_ATTEMPTS = 1
    oa, finance, training = http_receiver(), http_receiver(), http_receiver(fail_always=True)
    make_targets(recruiter, {"oa": oa.url, "finance": finance.url, "training": training.url})
    settings.HRSUITE_PROVISION_ON = "start_date"
    plan = _accept(recruiter, candidate_user)
    plans.plans_provision_due(today=plan.start_date)
    # OA is reached, training is dead after its one attempt, finance has not been tried yet.
    ProvisioningDelivery.objects.filter(target__system="finance").update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    provisioning_dispatch()
    statuses = dict(ProvisioningDelivery.objects.values_list("target__system", "status"))
    assert statuses == {"oa": "delivered", "finance": "pending", "training": "dead"}

    assert _cancel(api, recruiter, plan).status_code == 200

    statuses = dict(ProvisioningDelivery.objects.values_list("target__system", "status"))
    assert statuses == {"oa": "delivered", "finance": "cancelled", "training": "cancelled"}
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        assert provisioning_dispatch().handled == 0
    assert (len(finance.requests), len(training.requests)) == (0, 1)
    dead_one = ProvisioningDelivery.objects.get(target__system="training")
    with pytest.raises(InvalidTransition):
        provisioning_retry(delivery=dead_one, actor=recruiter)
    task = HRTask.objects.get(kind=HRTask.Kind.DEPROVISION)
    assert (task.application_id, task.status) == (plan.application_id, "open")
    told = Notification.objects.filter(
        template=OnboardingMessage.HR_TASK_OPENED, payload__hr_task=str(task.pk)
    )
    assert told.get().recipient_user == recruiter and told.get().payload["systems"] == ["oa"]


def test_a_cancelled_plan_is_not_provisioned_on_its_start_date(
    api, recruiter, candidate_user, http_receiver, settings
):
    settings.HRSUITE_PROVISION_ON = "start_date"
    make_targets(recruiter, {"oa": http_receiver().url})
    plan = _accept(recruiter, candidate_user)
    _cancel(api, recruiter, plan)
    assert plans.plans_provision_due(today=plan.start_date) == 0
    from onboarding.services.provisioning import provisioning_start

    assert provisioning_start(plan=plan, actor="system:start-date") == []
    assert not ProvisioningDelivery.objects.exists()
    assert not HRTask.objects.filter(kind=HRTask.Kind.DEPROVISION).exists()


# --- What the candidate reads -------------------------------------------------------------------


def test_the_candidate_is_told_in_english_and_the_mail_has_no_onboarding_link(
    api, accepted, recruiter, smtp_server
):
    _cancel(api, recruiter, accepted)
    outbox_dispatch()
    [told] = _told(accepted)
    assert told.status == "sent"
    [message] = [m for m in smtp_server.sink.messages if "cancelled" in m["Subject"]]
    candidate = accepted.application.candidate
    assert candidate.email in message["To"]
    assert message["Subject"] == f"Your onboarding as {accepted.offer.position.title} has been cancelled"
    text = message.get_body(("plain",)).get_content()
    assert "As you asked, we have cancelled your onboarding" in text
    assert "/portal/onboarding/" not in message.as_string()
    assert recruiter.email in text  # the decider is the contact


def test_the_candidate_is_told_in_chinese_when_the_offer_is_withdrawn(
    api, recruiter, candidate_user, smtp_server
):
    plan = _accept(recruiter, candidate_user, language="zh-hans")
    _cancel(api, recruiter, plan, reason="offer_withdrawn")
    outbox_dispatch()
    [message] = [m for m in smtp_server.sink.messages if "入职安排" in m["Subject"]]
    assert message["Subject"].strip() == f"您的入职安排（{plan.offer.position.title}）已取消"  # noqa: RUF001
    text = message.get_body(("plain",)).get_content()
    assert "很遗憾地通知您，我们已撤回" in text  # noqa: RUF001
    assert message["Content-Language"] == "zh-hans"


def test_a_delivery_claimed_by_a_dispatcher_that_died_is_cancelled_not_retried(
    api, recruiter, candidate_user, http_receiver, settings
):
    oa = http_receiver()
    make_targets(recruiter, {"oa": oa.url})
    plan = _accept(recruiter, candidate_user)
    claimed = timezone.now() - datetime.timedelta(seconds=settings.HRSUITE_PROVISIONING_CLAIM_TIMEOUT + 1)
    ProvisioningDelivery.objects.filter(plan=plan).update(status="sending", claimed_at=claimed, attempts=1)

    _cancel(api, recruiter, plan)
    # It may have reached OA: HR is asked to check and undo it.
    assert HRTask.objects.filter(kind=HRTask.Kind.DEPROVISION, application=plan.application).exists()

    assert provisioning_dispatch().reclaimed == 1
    assert ProvisioningDelivery.objects.get(plan=plan).status == "cancelled"
    assert oa.requests == []
    assert not HRTask.objects.filter(kind=HRTask.Kind.PROVISIONING_FAILED).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_delivery_failing_while_the_plan_is_cancelled_is_not_retried(
    recruiter, candidate_user, http_receiver
):
    """The recruiter cancels while the dispatcher's POST is on its way; the receiver then fails."""
    from rest_framework.test import APIClient

    training = http_receiver(fail_always=True)
    make_targets(recruiter, {"training": training.url})
    plan = _accept(recruiter, candidate_user)
    answer = training.answer

    def cancel_then_answer(path, headers, body):
        # In the receiver's thread, with its own database connection, closed after.
        client = APIClient()
        client.force_authenticate(recruiter)
        url = reverse("onboarding-plan-cancel", args=[plan.pk])
        try:
            assert client.post(url, {"reason": "hire_withdrew"}, format="json").status_code == 200
        finally:
            connection.close()
        return answer(path, headers, body)

    training.answer = cancel_then_answer

    assert provisioning_dispatch().handled == 0
    delivery = ProvisioningDelivery.objects.get(plan=plan)
    assert (delivery.status, delivery.attempts) == ("cancelled", 1)
    assert delivery.last_error == "HTTP 503 Service Unavailable"
    assert not HRTask.objects.filter(kind=HRTask.Kind.PROVISIONING_FAILED).exists()
    assert HRTask.objects.filter(kind=HRTask.Kind.DEPROVISION).count() == 1
