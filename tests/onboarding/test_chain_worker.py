"""From decision to first day with a real Celery worker (subprocess) on Redis and the test's
PostgreSQL database: a hire decision, the offer and its background check, the provider's signed
webhook through the real endpoint, and the e-mails the worker's outbox dispatch delivers to a real
SMTP server; then provisioning to real HTTP receivers, dead letter included, by the worker's task."""

import pytest
from django.urls import reverse

from interviews.models import Notification
from interviews.providers import signing
from interviews.tasks import outbox_dispatch
from onboarding.models import BackgroundCheck, HRTask, Offer, ProvisioningDelivery
from onboarding.providers.simulated import event_body
from onboarding.services import decisions, offers
from onboarding.services.provisioning import provisioning_start
from onboarding.tasks import provisioning_dispatch
from tests.celery_worker import wait_until
from tests.factories import application_awaiting_decision, make_interview, offer_terms
from tests.onboarding.provisioning_helpers import make_targets, plan_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
WEBHOOK = reverse("background-check-webhook", args=["simulated"])


def _hire(recruiter) -> Offer:
    """An application at the decision stage after its interview; a named recruiter hires, which
    drafts the offer and requests the background check; the offer is approved and sent."""
    application = application_awaiting_decision(recruiter)
    make_interview(recruiter, application=application)
    decision = decisions.decision_record(
        application=application,
        outcome="hire",
        reason="Strong interviews and scorecards.",
        offer_terms=offer_terms(),
        actor=recruiter,
    )
    offer = decision.offer
    offers.offer_submit(offer=offer, approvers=[], actor=recruiter)
    offers.offer_send(offer=offer, actor=recruiter)
    return offer


def _webhook(client, check: BackgroundCheck, event_type: str):
    body = event_body(check_id=check.provider_check_id, event_type=event_type)
    headers = signing.signed_headers("check_simulated", body)
    response = client.post(WEBHOOK, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def _outbox_settled() -> bool:
    return not Notification.objects.filter(status__in=("pending", "sending")).exists()


def _mail_to(smtp_server, address: str) -> list:
    return [m for m in smtp_server.sink.messages if address in m["To"]]


def test_check_passed_sends_the_onboarding_notice_through_the_worker(
    client, recruiter, smtp_server, celery_worker
):
    offer = _hire(recruiter)
    check = offer.background_checks.get()
    assert check.status == BackgroundCheck.Status.REQUESTED
    celery_worker()

    _webhook(client, check, "started")
    assert _webhook(client, check, "passed")["status"] == "passed"
    outbox_dispatch.delay()

    wait_until(_outbox_settled, "the outbox to be sent")
    notice = Notification.objects.get(template=Notification.Template.ONBOARDING_NOTICE)
    assert notice.status == Notification.Status.SENT
    candidate = offer.application.candidate
    [message] = [m for m in _mail_to(smtp_server, candidate.email) if "first day" in m["Subject"]]
    assert offer.position.title in message["Subject"]
    assert "420000" not in message.as_string()  # never the salary in an e-mail
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT  # a passed check leaves the offer to the candidate


def test_check_failed_cancels_the_offer_and_hr_is_told_by_e_mail_through_the_worker(
    client, recruiter, smtp_server, celery_worker
):
    offer = _hire(recruiter)
    check = offer.background_checks.get()
    celery_worker()

    _webhook(client, check, "started")
    assert _webhook(client, check, "failed")["status"] == "failed"
    outbox_dispatch.delay()

    offer.refresh_from_db()
    assert offer.status == Offer.Status.CANCELLED
    wait_until(_outbox_settled, "the outbox to be sent")
    to_hr = Notification.objects.filter(recipient_user=recruiter, payload__background_check=str(check.pk))
    assert to_hr.exists() and {n.status for n in to_hr} == {Notification.Status.SENT}
    subjects = [m["Subject"] for m in _mail_to(smtp_server, recruiter.email)]
    assert any(offer.application.candidate.full_name in s for s in subjects), subjects
    assert smtp_server.sink.duplicates() == {}


def test_worker_provisions_each_system_once_and_dead_letters_a_receiver_that_never_answers(
    recruiter, smtp_server, http_receiver, celery_worker
):
    oa, finance, training = http_receiver(), http_receiver(), http_receiver(fail_always=True)
    make_targets(recruiter, {"oa": oa.url, "finance": finance.url, "training": training.url})
    plan = plan_for(_hire(recruiter))
    provisioning_start(plan=plan, actor=recruiter)
    # One attempt before the dead letter, since time cannot be moved inside the worker's process.
    celery_worker(HRSUITE_PROVISIONING_MAX_ATTEMPTS="1")

    provisioning_dispatch.delay()
    provisioning_dispatch.delay()  # a second dispatcher at the same time shares, never repeats

    def settled():
        return not ProvisioningDelivery.objects.filter(status__in=("pending", "sending")).exists()

    wait_until(settled, "every delivery to be delivered or dead")
    statuses = dict(ProvisioningDelivery.objects.values_list("target__system", "status"))
    assert statuses == {"oa": "delivered", "finance": "delivered", "training": "dead"}
    assert oa.taken == {f"provisioning:{plan.pk}:oa": 1}
    assert finance.taken == {f"provisioning:{plan.pk}:finance": 1}
    assert len(training.requests) == 1
    assert HRTask.objects.filter(kind=HRTask.Kind.PROVISIONING_FAILED, application=plan.application).exists()

    outbox_dispatch.delay()
    wait_until(_outbox_settled, "the outbox to be sent")
    dead = Notification.objects.get(
        template=Notification.Template.PROVISIONING_DEAD, recipient_user=recruiter
    )
    assert dead.status == Notification.Status.SENT
    [message] = [m for m in _mail_to(smtp_server, recruiter.email) if "Provisioning failed" in m["Subject"]]
    assert "Training" in message["Subject"]
