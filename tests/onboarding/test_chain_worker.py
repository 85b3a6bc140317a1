"""From the interview to the first day with a real Celery worker (subprocess) on Redis and the
test's PostgreSQL database: the interview provider's signed "completed" webhook with its AI
assessment, the interviewer's scorecard, the recruiter's hire decision through the API, the offer
and its background check, the check provider's signed webhook through the real endpoint, and the
e-mails the worker's outbox dispatch delivers to a real SMTP server; then offer expiry by the
worker's periodic task, and provisioning to real HTTP receivers (one that fails twice, one that
never succeeds) by the worker's task.

The worker runs on the real clock, so time is moved the way beat would see it: rows are made due
(an offer sent a week and a day ago with a week to answer; a delivery whose back-off has run
out), then the periodic task is started as beat would start it. Nothing sleeps on a due time.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application, Stage
from candidates.services.applications import application_move
from hrsuite import signing
from interviews.models import AIAssessment, Interview
from interviews.services.assignments import assignment_create
from notifications.models import Notification
from notifications.tasks import outbox_dispatch
from onboarding.models import BackgroundCheck, HRTask, Offer, ProvisioningDelivery
from onboarding.providers.simulated import event_body
from onboarding.services.candidate_links import offer_url
from onboarding.services.notices import OnboardingMessage
from onboarding.services.provisioning import provisioning_start
from onboarding.tasks import offers_expire, provisioning_dispatch
from tests.celery_worker import wait_until
from tests.factories import assessment_payload, make_application, make_hire, offer_terms
from tests.interviews.webhook_helpers import body_for, consent_given, deliver, interview_with_meeting
from tests.onboarding.provisioning_helpers import make_targets, plan_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
CHECK_WEBHOOK = reverse("background-check-webhook", args=["simulated"])
_OFFER_LINK = re.compile(r"/portal/offers/[^/\s]+/")


# --- Helpers -------------------------------------------------------------------------------------


def _outbox_settled() -> bool:
    return not Notification.objects.filter(
        status__in=("pending", "sending"), due_at__lte=timezone.now()
    ).exists()


def _send_outbox() -> None:
    """What beat does every 30 s: one dispatch; then wait until the worker has sent what is due."""
    outbox_dispatch.delay()
    wait_until(_outbox_settled, "the outbox to be sent")


def _mail_to(smtp_server, address: str, subject_part: str) -> list:
    return [m for m in smtp_server.sink.messages if address in m["To"] and subject_part in m["Subject"]]


def _check_webhook(client, check: BackgroundCheck, event_type: str) -> dict:
    body = event_body(check_id=check.provider_check_id, event_type=event_type)
    headers = signing.signed_headers("check_simulated", body)
    response = client.post(CHECK_WEBHOOK, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def _interviewed(recruiter, interviewer) -> Interview:
    """An AI video interview with its provider meeting, one assigned interviewer, and both
    consents given by the candidate (so the assessment may be stored)."""
    application = make_application(recruiter)
    application_move(application=application, event="interview", actor=recruiter)
    interview = interview_with_meeting(recruiter, application=application)
    assignment_create(interview=interview, interviewer=interviewer, actor=recruiter)
    consent_given(recruiter, interview)
    return interview


def _completed_with_assessment(client, interview: Interview) -> None:
    """The provider's signed webhooks: started, then completed with the AI assessment."""
    assert deliver(client, body_for(interview, "started")).status_code == 200
    ended = timezone.now().replace(microsecond=0)
    completed = body_for(
        interview, "completed", data={"ended_at": ended.isoformat(), "assessment": assessment_payload()}
    )
    response = deliver(client, completed)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Interview.Status.COMPLETED


def _scorecard_submitted(api, interview: Interview, interviewer) -> None:
    client = api.as_user(interviewer)
    response = client.post(
        reverse("scorecard-list"),
        {
            "interview": str(interview.pk),
            "ratings": {"communication": 4, "problem_solving": 5},
            "recommendation": "yes",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = client.post(reverse("scorecard-submit", args=[response.json()["id"]]))
    assert response.status_code == 200, response.content


def _hired_and_sent(api, recruiter, application: Application) -> Offer:
    """The recruiter moves the application to the decision, hires (the offer draft and the
    background check), approves the offer without a chain and sends it: all through the API."""
    client = api.as_user(recruiter)
    move = client.post(reverse("application-move", args=[application.pk]), {"event": "await_decision"})
    assert move.status_code == 200, move.content
    decision = client.post(
        reverse("decision-list"),
        {
            "application": str(application.pk),
            "outcome": "hire",
            "reason": "Strong assessment and scorecard.",
            "offer": offer_terms(),
        },
        format="json",
    )
    assert decision.status_code == 201, decision.content
    offer = Offer.objects.get(decision_id=decision.json()["id"])
    for step in ("offer-submit", "offer-send"):
        response = client.post(reverse(step, args=[offer.pk]), {}, format="json")
        assert response.status_code == 200, response.content
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT
    return offer


def _from_interview_to_sent_offer(client, api, recruiter, interviewer, smtp_server) -> Offer:
    """Everything before the background check's outcome, each message checked at the server."""
    interview = _interviewed(recruiter, interviewer)
    candidate = interview.application.candidate

    _completed_with_assessment(client, interview)
    assert AIAssessment.objects.filter(interview=interview, needs_human_review=False).exists()
    _send_outbox()
    assert len(_mail_to(smtp_server, interviewer.email, "Your scorecard")) == 1

    _scorecard_submitted(api, interview, interviewer)
    _send_outbox()
    [summary] = _mail_to(smtp_server, recruiter.email, "Feedback complete")
    assert candidate.full_name in summary["Subject"]
    # AI scores inform; nothing is decided without a person.
    interview.application.refresh_from_db()
    assert interview.application.stage == Stage.INTERVIEWING

    offer = _hired_and_sent(api, recruiter, interview.application)
    check = offer.background_checks.get()
    assert check.status == BackgroundCheck.Status.REQUESTED
    _send_outbox()
    [offer_mail] = _mail_to(smtp_server, candidate.email, "Your job offer")
    link = _OFFER_LINK.search(offer_mail.get_body(("plain",)).get_content())
    assert link is not None
    page = Client().get(link.group(0))  # the candidate opens the offer from the e-mail
    assert page.status_code == 200 and offer.location in page.content.decode()
    return offer


# --- The chain from the interview ----------------------------------------------------------------


def test_from_the_completed_interview_to_the_onboarding_notice_through_the_worker(
    client, api, recruiter, interviewer, smtp_server, celery_worker
):
    celery_worker()
    offer = _from_interview_to_sent_offer(client, api, recruiter, interviewer, smtp_server)
    check = offer.background_checks.get()
    candidate = offer.application.candidate

    _check_webhook(client, check, "started")
    assert _check_webhook(client, check, "passed")["status"] == "passed"
    _send_outbox()

    notice = Notification.objects.get(template=OnboardingMessage.ONBOARDING_NOTICE)
    assert notice.status == Notification.Status.SENT
    [message] = _mail_to(smtp_server, candidate.email, "first day")
    assert offer.position.title in message["Subject"]
    assert "420000" not in message.as_string()  # never the salary in an e-mail
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT  # a passed check leaves the offer to the candidate
    assert smtp_server.sink.duplicates() == {}


def test_from_the_completed_interview_to_a_failed_check_through_the_worker(
    client, api, recruiter, interviewer, smtp_server, celery_worker
):
    celery_worker()
    offer = _from_interview_to_sent_offer(client, api, recruiter, interviewer, smtp_server)
    check = offer.background_checks.get()
    candidate = offer.application.candidate

    _check_webhook(client, check, "started")
    assert _check_webhook(client, check, "failed")["status"] == "failed"
    _send_outbox()

    offer.refresh_from_db()
    assert offer.status == Offer.Status.CANCELLED
    to_hr = Notification.objects.filter(recipient_user=recruiter, payload__background_check=str(check.pk))
    assert to_hr.exists() and {n.status for n in to_hr} == {Notification.Status.SENT}
    [hr_mail] = _mail_to(smtp_server, recruiter.email, "Background check failed")
    assert candidate.full_name in hr_mail["Subject"]
    [told] = _mail_to(smtp_server, candidate.email, "has been withdrawn")
    assert offer.position.title in told["Subject"]
    assert not _mail_to(smtp_server, candidate.email, "first day")
    assert smtp_server.sink.duplicates() == {}


# --- Offer expiry by the worker's periodic task ------------------------------------------------


def test_worker_expires_an_offer_past_its_answer_by_time_and_withdraws_the_application(
    recruiter, celery_worker
):
    # Sent eight days ago with a week to answer; another sent now still has its week.
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    with time_machine.travel(eight_days_ago, tick=False):
        lapsed = make_hire(recruiter, expires_at=(eight_days_ago + datetime.timedelta(days=7)).isoformat())
    still_open = make_hire(recruiter)
    celery_worker()

    offers_expire.delay()  # as beat starts it every five minutes

    def expired():
        return Offer.objects.filter(pk=lapsed.pk, status=Offer.Status.EXPIRED).exists()

    wait_until(expired, "the lapsed offer to be expired")
    lapsed.application.refresh_from_db()
    assert lapsed.application.stage == Stage.WITHDRAWN
    assert Offer.objects.get(pk=still_open.pk).status == Offer.Status.SENT
    still_open.application.refresh_from_db()
    assert still_open.application.stage == Stage.OFFER

    # The candidate's link now says the offer has expired.
    page = Client().get(urlsplit(offer_url(offer=lapsed)).path)
    assert page.status_code == 410


# --- Provisioning by the worker ------------------------------------------------------------------


def test_worker_provisions_each_system_once_and_dead_letters_a_receiver_that_never_answers(
    recruiter, smtp_server, http_receiver, celery_worker
):
    oa, finance, training = http_receiver(), http_receiver(), http_receiver(fail_always=True)
    make_targets(recruiter, {"oa": oa.url, "finance": finance.url, "training": training.url})
    plan = plan_for(make_hire(recruiter))
    provisioning_start(plan=plan, actor=recruiter)
    # One attempt before the dead letter: the back-off between attempts is driven in the
    # fails-twice test below.
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

    _send_outbox()
    dead = Notification.objects.get(template=OnboardingMessage.PROVISIONING_DEAD, recipient_user=recruiter)
    assert dead.status == Notification.Status.SENT
    [message] = _mail_to(smtp_server, recruiter.email, "Provisioning failed")
    assert "Training" in message["Subject"]


def test_worker_backs_off_from_a_receiver_failing_twice_and_delivers_on_the_third_attempt(
    recruiter, http_receiver, celery_worker
):
    finance = http_receiver(fail_next=2)
    make_targets(recruiter, {"finance": finance.url})
    plan = plan_for(make_hire(recruiter))
    [delivery] = provisioning_start(plan=plan, actor=recruiter)
    celery_worker()  # the default back-off: 1 minute, then 2

    for attempt in (1, 2):
        provisioning_dispatch.delay()  # a beat tick
        wait_until(
            lambda attempt=attempt: ProvisioningDelivery.objects.filter(
                pk=delivery.pk, status="pending", attempts=attempt
            ).exists(),
            f"attempt {attempt} to fail and be rescheduled",
        )
        delivery.refresh_from_db()
        assert delivery.last_error == "HTTP 503 Service Unavailable"
        # The worker put the next attempt one back-off after this one's end.
        waited = delivery.next_attempt_at - delivery.updated_at
        assert waited == datetime.timedelta(minutes=attempt), (attempt, waited)
        assert len(finance.requests) == attempt

        # The back-off runs out: the next tick finds the delivery due.
        ProvisioningDelivery.objects.filter(pk=delivery.pk, status="pending").update(
            next_attempt_at=timezone.now()
        )
        assert len(finance.requests) == attempt

    provisioning_dispatch.delay()
    wait_until(
        lambda: ProvisioningDelivery.objects.filter(pk=delivery.pk, status="delivered").exists(),
        "the third attempt to be delivered",
    )
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (3, "")
    assert [r.answered for r in finance.requests] == [503, 503, 200]
    # The same body and idempotency key every time; the receiver did the work once.
    assert len({r.body for r in finance.requests}) == 1
    assert {r.headers["Idempotency-Key"] for r in finance.requests} == {f"provisioning:{plan.pk}:finance"}
    assert finance.taken == {f"provisioning:{plan.pk}:finance": 1}
    assert not HRTask.objects.filter(kind=HRTask.Kind.PROVISIONING_FAILED).exists()
