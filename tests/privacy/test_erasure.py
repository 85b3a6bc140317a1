"""Erasing a person: every value of theirs unreadable (in the tables, and in a dump taken before),
the audit trail still verifiable, statistics unchanged, legal holds respected, and each system
that received their data asked to delete it until it has, the person told last."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_verify
from candidates import names
from candidates.models import Application, Candidate, CandidateNameToken, StageChange
from candidates.services.candidates import candidate_portal_link
from hrsuite import crypto, persons, signing
from hrsuite.errors import Conflict
from hrsuite.fields import is_erased
from interviews.models import AIAssessment, AIDimensionScore, Interview, Scorecard
from interviews.services.scheduling import interview_cancel
from notifications.models import Notification
from onboarding.models import BackgroundCheck, Decision, Offer, OnboardingDocument
from onboarding.services import offers, plans
from onboarding.services.provisioning import provisioning_dispatch
from privacy.models import ErasureHandOff, PrivacyRequest
from privacy.services import erasure
from privacy.services import requests as services
from tests.celery_worker import wait_until
from tests.dump import database_dump
from tests.factories import make_application, make_candidate, make_hire, make_interview
from tests.onboarding.provisioning_helpers import make_targets
from tests.privacy.files import file_of

Status, Kind = ErasureHandOff.Status, ErasureHandOff.Kind


@pytest.fixture
def provider(settings, http_receiver):
    """The video provider's API, a real server on 127.0.0.1 that records the erase calls."""
    receiver = http_receiver()
    host, port = receiver.server.server_address[:2]
    settings.HRSUITE_SIMULATED_PROVIDER_API = f"http://{host}:{port}/provider"
    return receiver


@pytest.fixture
def check_vendor(settings, http_receiver):
    """The background-check vendor's API, another real server on 127.0.0.1."""
    receiver = http_receiver()
    host, port = receiver.server.server_address[:2]
    settings.HRSUITE_SIMULATED_CHECK_API = f"http://{host}:{port}/vendor"
    return receiver


@pytest.fixture
def files(recruiter, interviewer, hr_admin, candidate_user, provider, check_vendor):
    """Alpha, the candidate asking, with a record in every app, whose hire was withdrawn before
    starting (so nothing holds their data); Bravo, someone else, with the same."""
    mine = file_of(
        "Alpha", recruiter=recruiter, interviewer=interviewer, viewer=hr_admin, user=candidate_user
    )
    theirs = file_of("Bravo", recruiter=recruiter, interviewer=interviewer, viewer=hr_admin)
    plans.plan_cancel(
        plan=Offer.objects.get(application__candidate=mine["candidate"]).onboarding_plan,
        reason="offer_withdrawn",
        actor=recruiter,
    )
    return mine, theirs


def _asked(candidate_user) -> PrivacyRequest:
    return services.privacy_request_submit(actor=candidate_user, kind="erasure", text="Delete everything.")


def _erased(request, recruiter, django_capture_on_commit_callbacks) -> PrivacyRequest:
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erasure_carry_out(request=request, actor=recruiter)
    persons.forget()
    return PrivacyRequest.objects.get(pk=request.pk)


def _tokens_of(candidate, dump: str) -> list[str]:
    return re.findall(rf"p1:{candidate.pk.hex}:[A-Za-z0-9+/=]+", dump)


def _statistics() -> dict:
    """What the dashboards and the validity figures count."""
    return {
        "candidates": Candidate.objects.count(),
        "applications": dict(Application.objects.values_list("stage").annotate(n=Count("pk"))),
        "stage_changes": StageChange.objects.count(),
        "interviews": Interview.objects.count(),
        "assessments": AIAssessment.objects.aggregate(n=Count("pk"), mean=Avg("overall_score")),
        "scores": dict(AIDimensionScore.objects.values_list("dimension").annotate(mean=Avg("score"))),
        "scorecards": Scorecard.objects.count(),
        "decisions": dict(Decision.objects.values_list("outcome").annotate(n=Count("pk"))),
    }


# --- What erasing does here ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_every_value_of_theirs_is_unreadable_in_the_tables_and_in_a_dump_taken_before(
    files, candidate_user, recruiter, django_capture_on_commit_callbacks
):
    mine, theirs = files
    candidate = mine["candidate"]
    request = _asked(candidate_user)
    dump = database_dump()
    tokens = _tokens_of(candidate, dump)
    assert len(tokens) >= 20
    # Before: their values open, with the key store as it is.
    assert Candidate.objects.get(pk=candidate.pk).resume_text == mine["candidates.candidate"]
    assert persons.data_key(candidate.pk.hex)

    _erased(request, recruiter, django_capture_on_commit_callbacks)

    for token in tokens:
        with pytest.raises(crypto.Erased):
            crypto.decrypt(token, aad=b"any row", person_key=persons.data_key)
    # Straight from the tables: every encrypted value of theirs reads as erased, the files too.
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert candidate.erased_at is not None
    for field in ("full_name", "email", "phone", "resume_text"):
        assert is_erased(getattr(candidate, field)) or getattr(candidate, field) == "", field
    document = OnboardingDocument.objects.get(task__plan__application__candidate=candidate)
    assert is_erased(document.content_base64) and is_erased(document.original_filename)
    assert all(
        is_erased(change.reason)
        for change in StageChange.objects.filter(application__candidate=candidate)
        if change.reason != ""
    )
    after = database_dump()
    # (The AI model's version, the one value of the file that is not theirs, stays readable.)
    for where, value in mine.items():
        if "." in where and where != "interviews.aiassessment":
            assert value not in after, where
    # Someone else's file is untouched.
    bravo = Candidate.objects.get(pk=theirs["candidate"].pk)
    assert bravo.resume_text == theirs["candidates.candidate"] and bravo.erased_at is None


def test_the_audit_trail_still_verifies_and_their_values_in_it_read_as_erased(
    files, candidate_user, recruiter, api, hr_admin, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    candidate = mine["candidate"]
    application = make_application(recruiter, candidate=candidate)
    interview = make_interview(recruiter, application=application)
    interview_cancel(interview=interview, reason="Alpha moved to the Quernby office", actor=recruiter)
    sealed = AuditEvent.objects.filter(candidate_id=candidate.pk).exclude(personal="").count()
    assert sealed >= 1

    _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    checked, broken = audit_verify()
    assert broken is None and checked >= 1
    call_command("audit_verify", stdout=io.StringIO())
    sealed_events = AuditEvent.objects.filter(candidate_id=candidate.pk).exclude(personal="")
    assert sealed_events.count() == sealed
    for event in sealed_events[:20]:
        shown = api.as_user(hr_admin).get(reverse("audit-event-detail", args=[event.pk])).json()
        assert shown["personal"] == "erased"
    # The erasure itself is in the trail, naming what was done and no value.
    event = AuditEvent.objects.get(target_id=str(candidate.pk), detail__event="erase")
    assert event.personal == "" and "Alpha" not in str(event.detail)


def test_statistics_count_the_same_after_the_erasure(
    files, candidate_user, recruiter, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    still_open = list(
        Application.objects.filter(
            candidate=mine["candidate"], stage__in=["applied", "interviewing"]
        ).values_list("stage", flat=True)
    )
    assert sorted(still_open) == ["applied", "interviewing"]
    before = _statistics()

    _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    after = _statistics()
    # Alpha's open applications were withdrawn: the one change, and a counted one.
    moved = dict(before["applications"])
    for stage in still_open:
        moved[stage] -= 1
    moved["withdrawn"] = moved.get("withdrawn", 0) + len(still_open)
    assert after["applications"] == {stage: n for stage, n in moved.items() if n}
    assert after["stage_changes"] == before["stage_changes"] + len(still_open)
    for name in ("candidates", "interviews", "assessments", "scores", "scorecards", "decisions"):
        assert after[name] == before[name], name


def test_what_was_pending_for_them_stops_and_their_account_and_name_go(
    files, candidate_user, recruiter, client, django_capture_on_commit_callbacks
):
    mine, theirs = files
    candidate = mine["candidate"]
    interviewing = Application.objects.get(candidate=candidate, stage="interviewing")
    make_interview(recruiter, application=interviewing, kind="live_video")
    assert Notification.objects.filter(candidate=candidate, status="pending").exists()
    assert CandidateNameToken.objects.filter(candidate=candidate).exists()

    _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    assert Application.objects.get(pk=interviewing.pk).stage == "withdrawn"
    assert not Interview.objects.filter(application=interviewing, status="scheduled").exists()
    assert not Notification.objects.filter(candidate=candidate, status="pending").exists()
    assert not CandidateNameToken.objects.filter(candidate=candidate).exists()
    # Their correction and restriction requests are answered by it.
    others = PrivacyRequest.objects.filter(candidate=candidate).exclude(kind="erasure")
    assert {(other.kind, other.state) for other in others} == {
        ("correction", "refused"),
        ("restriction", "refused"),
    }
    assert not Candidate.objects.filter(name_tokens__token=names.token_index("alpha")).exists()
    account = User.objects.get(pk=candidate_user.pk)
    assert not account.is_active and not account.has_usable_password()
    assert (account.first_name, account.last_name, account.email) == ("", "", "")
    client.force_login(account)
    assert client.get(reverse("portal-home")).status_code in (302, 403)
    # Their address is free again: applying later makes a new record.
    again = make_candidate(
        recruiter, email=Candidate.objects.get(pk=candidate.pk).email or "alpha@example.test"
    )
    assert again.pk != candidate.pk
    # Nothing more is sealed for them.
    with pytest.raises(persons.PersonErased):
        persons.sealing_key(candidate.pk)
    assert Candidate.objects.get(pk=theirs["candidate"].pk).name_tokens.exists()


# --- Legal holds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hold", ["offer_open", "employed"])
def test_a_legal_hold_refuses_the_erasure_and_changes_nothing(
    hold, recruiter, candidate_user, django_capture_on_commit_callbacks
):
    offer = make_hire(recruiter)
    candidate = offer.application.candidate
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    if hold == "employed":
        offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    request = _asked(candidate_user)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(erasure.ErasureHeld) as refused:
        erasure.erasure_carry_out(request=request, actor=recruiter)

    assert (refused.value.status_code, refused.value.code) == (409, "legal_hold")
    assert refused.value.fields["candidate"]
    candidate.refresh_from_db()
    assert candidate.erased_at is None and candidate.full_name
    assert persons.data_key(candidate.pk.hex)
    assert not ErasureHandOff.objects.exists()
    assert PrivacyRequest.objects.get(pk=request.pk).state == "received"


# --- The steps outside -----------------------------------------------------------------------------


def test_the_provider_is_asked_to_delete_each_meeting_and_retried_until_it_has(
    files, candidate_user, recruiter, provider, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    meetings = set(
        Interview.objects.filter(application__candidate=mine["candidate"])
        .exclude(provider_meeting_id="")
        .values_list("provider_meeting_id", flat=True)
    )
    assert meetings
    provider.fail_next = 2 * len(meetings)
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    erasure.erasure_hand_offs_run()
    steps = ErasureHandOff.objects.filter(request=request, kind=Kind.PROVIDER)
    assert {step.status for step in steps} == {Status.PENDING}
    assert {step.last_error for step in steps} == {"HTTP 503 Service Unavailable"}
    assert request.state == "in_progress"
    # Each failed attempt waits its back-off, and is taken again after it.
    for minutes in (2, 5, 10):
        with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
            erasure.erasure_hand_offs_run()

    assert {step.status for step in steps.all()} == {Status.DONE}
    asked = {r.json()["meeting_id"] for r in provider.successes if r.path.endswith("/recordings/erase/")}
    assert asked == meetings


def test_the_check_vendor_is_asked_to_delete_each_check_and_retried_until_it_has(
    files, candidate_user, recruiter, check_vendor, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    checks = set(
        BackgroundCheck.objects.filter(application__candidate=mine["candidate"]).values_list(
            "provider_check_id", flat=True
        )
    )
    assert checks
    check_vendor.fail_next = len(checks)
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    erasure.erasure_hand_offs_run()
    steps = ErasureHandOff.objects.filter(request=request, kind=Kind.CHECK)
    assert {(step.system, step.status) for step in steps} == {("simulated", Status.PENDING)}
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        erasure.erasure_hand_offs_run()

    assert {step.status for step in steps.all()} == {Status.DONE}
    erased = [r for r in check_vendor.successes if r.path == "/vendor/checks/erase/"]
    assert {r.json()["check_id"] for r in erased} == checks
    for call in erased:
        signing.verify("check_simulated", headers=call.headers, body=call.body)  # raises if unsigned


def test_the_systems_a_hire_was_sent_to_are_asked_to_delete_it(
    recruiter, candidate_user, http_receiver, provider, check_vendor, django_capture_on_commit_callbacks
):
    receivers = {system: http_receiver() for system in ("oa", "finance")}
    make_targets(recruiter, {system: r.url for system, r in receivers.items()})
    offer = make_hire(recruiter)
    candidate = offer.application.candidate
    candidate_portal_link(candidate=candidate, user=candidate_user, actor=recruiter)
    offers.offer_answer(offer=offer, accept=True, actor=candidate_user)
    provisioning_dispatch()
    plans.plan_cancel(plan=offer.onboarding_plan, reason="hire_withdrew", actor=recruiter)

    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)
    erasure.erasure_hand_offs_run()

    steps = ErasureHandOff.objects.filter(request=request, kind=Kind.PROVISIONING)
    assert {(step.system, step.status) for step in steps} == {("oa", "done"), ("finance", "done")}
    for receiver in receivers.values():
        erase = [r.json() for r in receiver.successes if r.json().get("event") == "erase"]
        assert erase == [
            {
                "event": "erase",
                "system": erase[0]["system"],
                "idempotency_key": erase[0]["idempotency_key"],
                "plan": str(offer.onboarding_plan.pk),
            }
        ]


def test_the_person_is_told_last_and_the_request_is_done_when_every_step_is(
    files, candidate_user, recruiter, provider, smtp_server, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    address = mine["candidate"].email
    provider.fail_always = True
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)
    key = ErasureHandOff.objects.get(request=request, kind=Kind.KEY)
    assert key.status == Status.DONE  # destroyed as the erasure committed

    erasure.erasure_hand_offs_run()
    confirmation = ErasureHandOff.objects.get(request=request, kind=Kind.CONFIRMATION)
    # The provider has not deleted yet: the person is not told anything yet.
    assert confirmation.status == Status.PENDING and confirmation.attempts == 0
    assert smtp_server.sink.messages == []

    provider.fail_always = False
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        erasure.erasure_hand_offs_run()
        erasure.erasure_hand_offs_run()

    (message,) = smtp_server.sink.messages
    assert message["To"] == address
    assert "you asked us to erase the personal data" in message.get_body(("plain",)).get_content()
    confirmation.refresh_from_db()
    assert confirmation.status == Status.DONE and confirmation.address == ""
    request.refresh_from_db()
    assert request.state == "done" and request.closed_at is not None
    assert not ErasureHandOff.objects.filter(request=request).exclude(status=Status.DONE).exists()


def test_a_step_that_keeps_failing_is_left_for_hr_who_takes_it_again(
    files, candidate_user, recruiter, provider, django_capture_on_commit_callbacks
):
    provider.fail_always = True
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)
    now = timezone.now()
    for attempt in range(erasure.MAX_ATTEMPTS):
        with time_machine.travel(now + timedelta(days=attempt), tick=False):
            erasure.erasure_hand_offs_run()
    failed = ErasureHandOff.objects.filter(request=request, status=Status.FAILED)
    assert {step.kind for step in failed} == {Kind.PROVIDER}
    assert ErasureHandOff.objects.get(request=request, kind=Kind.CONFIRMATION).status == Status.PENDING

    provider.fail_always = False
    assert erasure.erasure_steps_retry(request=request, actor=recruiter) == failed.count()
    erasure.erasure_hand_offs_run()
    erasure.erasure_hand_offs_run()

    assert PrivacyRequest.objects.get(pk=request.pk).state == "done"


def test_a_step_claimed_by_a_dispatcher_that_died_is_taken_again(
    files, candidate_user, recruiter, provider, django_capture_on_commit_callbacks
):
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)
    step = ErasureHandOff.objects.filter(request=request, kind=Kind.PROVIDER).first()
    # A dispatcher claimed it and was killed before it called the provider.
    ErasureHandOff.objects.filter(pk=step.pk).update(status=Status.SENDING, claimed_at=timezone.now())

    erasure.erasure_hand_offs_run()
    assert ErasureHandOff.objects.get(pk=step.pk).status == Status.SENDING  # its claim is recent
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        erasure.erasure_hand_offs_run()

    assert ErasureHandOff.objects.get(pk=step.pk).status == Status.DONE


def test_a_key_store_that_did_not_answer_is_asked_again(
    files, candidate_user, recruiter, provider, monkeypatch, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    real = persons.person_key_destroy

    def down(person):
        raise ConnectionError("key store down")

    monkeypatch.setattr(persons, "person_key_destroy", down)
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)
    key = ErasureHandOff.objects.get(request=request, kind=Kind.KEY)
    assert key.status == Status.PENDING and Candidate.objects.get(pk=mine["candidate"].pk).erased_at

    monkeypatch.setattr(persons, "person_key_destroy", real)
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        erasure.erasure_hand_offs_run()

    assert ErasureHandOff.objects.get(pk=key.pk).status == Status.DONE
    with pytest.raises(crypto.Erased):
        persons.data_key(mine["candidate"].pk.hex)


def test_an_erased_person_is_not_erased_twice(
    files, candidate_user, recruiter, django_capture_on_commit_callbacks
):
    mine, _theirs = files
    _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    with pytest.raises(erasure.AlreadyErased):
        erasure.person_erase(candidate=mine["candidate"], actor=recruiter)


def test_a_completed_request_keeps_its_steps_and_is_not_marked_done_by_hand(
    files, candidate_user, recruiter, django_capture_on_commit_callbacks
):
    request = _erased(_asked(candidate_user), recruiter, django_capture_on_commit_callbacks)

    with pytest.raises(services.ErasureElsewhere):
        services.privacy_request_complete(request=request, actor=recruiter)
    # Carried out, it can no longer be refused: the person is erased.
    with pytest.raises(Conflict) as refused:
        services.privacy_request_refuse(request=request, actor=recruiter, reason="Changed our mind")
    assert refused.value.code == "erasure_carried_out"
    assert PrivacyRequest.objects.get(pk=request.pk).state == "in_progress"
    assert ErasureHandOff.objects.filter(request=request).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_steps_and_tells_the_person(
    recruiter,
    interviewer,
    hr_admin,
    candidate_user,
    provider,
    check_vendor,
    smtp_server,
    celery_worker,
    settings,
):
    from privacy.tasks import erasure_hand_offs_run

    mine = file_of(
        "Alpha", recruiter=recruiter, interviewer=interviewer, viewer=hr_admin, user=candidate_user
    )
    plans.plan_cancel(
        plan=Offer.objects.get(application__candidate=mine["candidate"]).onboarding_plan,
        reason="offer_withdrawn",
        actor=recruiter,
    )
    address = mine["candidate"].email
    request = _asked(candidate_user)
    erasure.erasure_carry_out(request=request, actor=recruiter)  # committed: the key goes at once
    celery_worker(
        HRSUITE_SIMULATED_PROVIDER_API=settings.HRSUITE_SIMULATED_PROVIDER_API,
        HRSUITE_SIMULATED_CHECK_API=settings.HRSUITE_SIMULATED_CHECK_API,
    )

    for _ in range(2):  # the other steps, then the confirmation
        erasure_hand_offs_run.delay()
        wait_until(
            lambda: (
                not ErasureHandOff.objects.filter(request=request, status__in=["pending", "sending"])
                .exclude(kind=Kind.CONFIRMATION)
                .exists()
            ),
            "the worker to take the steps",
        )
    wait_until(lambda: PrivacyRequest.objects.get(pk=request.pk).state == "done", "the request to be done")
    assert [message["To"] for message in smtp_server.sink.messages] == [address]
    assert provider.successes
