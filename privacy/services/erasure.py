"""Erasing a person: their key destroyed, so every value sealed for them is unreadable in the
database and in every dump or backup of it, and each outside system that received their data asked
to delete it, each step tracked until it is done (docs/architecture.md, "Erasure").

`person_erase` does, in one transaction under the candidate's lock: it refuses while a legal hold
applies (`onboarding.selectors.erasure_holds`); withdraws their open applications through the
applications' service, so their interviews are cancelled and nothing is pending for them; answers
their other open privacy requests (refused: nothing is left to act on); cancels
the messages queued for them and their copies' content; deletes the blind indexes of their name and phone;
closes their portal account; marks the candidate erased, leaving the rows that statistics need
(stages, dates, scores) with no readable identity; and leaves one `ErasureHandOff` row per step
outside this database. Destroying the key is the first of those steps, taken as soon as the
transaction commits and retried by the dispatcher if the key store did not answer then.

Beat's `privacy-erasure-hand-offs` (every 30 s) works through the steps due, claim-and-retry as
the outbox does (`hrsuite.queue`): the provider's deletion call per meeting, the check vendor's per
background check, the provisioning targets' per hire, then, once those are done, the confirmation
to the person. When
the last step of an erasure request is done, the request is completed.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import CLOSED_STAGES, Application, Candidate, CandidateNameToken, Stage
from candidates.services.applications import application_move
from hrsuite import persons, queue
from hrsuite.errors import Conflict
from hrsuite.formatting import format_time, zone_or_utc
from hrsuite.permissions import get_for_change, require
from interviews import providers
from interviews.models import Interview
from notifications.models import Notification
from onboarding import providers as check_providers
from onboarding.models import BackgroundCheck, ProvisioningDelivery, ProvisioningTarget
from onboarding.selectors import erasure_holds
from onboarding.services.provisioning import DeliveryFailed, provisioning_erasure_post
from privacy.models import AccessBundle, ErasureHandOff, PrivacyRequest
from privacy.services import requests as request_services

logger = logging.getLogger(__name__)

DISPATCHER = "system:erasure"
Kind, Status = ErasureHandOff.Kind, ErasureHandOff.Status
# Attempts before a step is left for HR (Failed), the first retry a minute after a failure: ten
# attempts span about 17 hours.
MAX_ATTEMPTS = 10
BACKOFF_SECONDS = 60
# Steps claimed per run, and how long a claim may go quiet before its rows are taken back.
PER_RUN = 20
CLAIM_TIMEOUT_SECONDS = 300
_QUEUE = queue.ClaimQueue(
    model=ErasureHandOff, pending=Status.PENDING, sending=Status.SENDING, due_field="due_at"
)
# Steps that end an erasure: done, or a confirmation that could not be delivered (its address is
# gone by then, so there is nothing left to try).
_UNFINISHED = (Status.PENDING, Status.SENDING, Status.FAILED)


class ErasureHeld(Conflict):
    """A legal hold keeps the person's data: the erasure is refused, with the holds' reasons."""

    code = "legal_hold"


class AlreadyErased(Conflict):
    code = "already_erased"


# --- Carrying it out ----------------------------------------------------------------------------


@transaction.atomic
def erasure_carry_out(*, request: PrivacyRequest, actor) -> PrivacyRequest:
    """HR carries out a candidate's erasure request: started if it was not yet, then the person
    erased (`person_erase`). The request is completed when the last outside step is done."""
    require(actor, "change", PrivacyRequest)
    request = get_for_change(PrivacyRequest.objects.select_related("candidate"), user=actor, pk=request.pk)
    if request.kind != PrivacyRequest.Kind.ERASURE:
        message = gettext("Only an erasure request is carried out by erasing the person.")
        raise Conflict(message, fields={"kind": [message]}, code="not_erasure")
    if request.state == PrivacyRequest.State.RECEIVED:
        request = request_services.privacy_request_start(request=request, actor=actor)
    if request.state != PrivacyRequest.State.IN_PROGRESS:
        message = gettext("This request is closed already.")
        raise Conflict(message, fields={"state": [message]}, code="request_closed")
    person_erase(candidate=request.candidate, actor=actor, request=request)
    return request


def person_erase(
    *, candidate: Candidate, actor, request: PrivacyRequest | None = None
) -> list[ErasureHandOff]:
    """Erase the candidate (see the module's description), inside the caller's transaction; the
    steps left to take outside this database, in the order they are taken. `request`: the
    erasure request it answers, whose candidate is confirmed the erasure; None for the retention
    rules' erasure of a file whose time is over, which nobody is told of."""
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("user").get(pk=candidate.pk)
    if candidate.erased_at is not None:
        message = gettext("This person's data was erased already.")
        raise AlreadyErased(message, fields={"candidate": [message]})
    holds = erasure_holds(candidate_id=candidate.pk)
    if holds:
        reasons = [hold.reason for hold in holds]
        raise ErasureHeld(
            gettext("Their data is kept for now: %(reasons)s") % {"reasons": " ".join(reasons)},
            fields={"candidate": reasons},
        )
    now = timezone.now()
    # Read before anything changes: where the confirmation goes, and who had their data.
    address, language = candidate.email, candidate.preferred_language
    steps = _outside_steps(candidate, request=request, address=address, language=language, now=now)
    withdrawn = _applications_withdrawn(candidate, actor=actor)
    closed = _other_requests_closed(candidate, request=request, actor=actor)
    stopped = _pending_stopped(candidate, now=now)
    CandidateNameToken.objects.filter(candidate=candidate).delete()
    if candidate.user is not None:
        _account_closed(candidate.user, candidate=candidate, actor=actor)
    candidate.email_index = f"erased:{candidate.pk.hex}"
    candidate.phone_index = ""
    candidate.erased_at = now
    candidate.save(update_fields=["email_index", "phone_index", "erased_at", "updated_at"])
    ErasureHandOff.objects.bulk_create(steps)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=candidate,
        changed_fields=["erased_at", "email_index", "phone_index", "name_tokens"],
        detail={
            "event": "erase",
            "request": str(request.pk) if request is not None else "",
            "applications_withdrawn": withdrawn,
            "requests_closed": closed,
            **stopped,
            "steps": [f"{step.kind}:{step.system}" if step.system else step.kind for step in steps],
        },
    )
    key_step = steps[0]
    transaction.on_commit(lambda: _key_destroy_now(key_step), robust=True)
    return steps


def _outside_steps(candidate, *, request, address: str, language: str, now: datetime) -> list[ErasureHandOff]:
    """The key first; each meeting a provider held for them; each background check a vendor ran
    on them; each system a hire of theirs was sent to (whatever became of the delivery: an attempt
    may have reached it); the confirmation."""

    def step(kind, system="", reference="", **fields):
        return ErasureHandOff(
            request=request,
            candidate=candidate,
            kind=kind,
            system=system,
            reference=reference,
            due_at=now,
            **fields,
        )

    steps = [step(Kind.KEY)]
    # A meeting whose deletion was asked already (by the retention rules) is not asked twice.
    asked = ErasureHandOff.objects.filter(
        candidate=candidate,
        kind=Kind.PROVIDER,
        system=OuterRef("provider"),
        reference=OuterRef("provider_meeting_id"),
    )
    meetings = (
        Interview.objects.filter(application__candidate=candidate)
        .exclude(provider_meeting_id="")
        .exclude(Exists(asked))
        .order_by("provider", "provider_meeting_id")
        .values_list("provider", "provider_meeting_id")
        .distinct()
    )
    steps += [step(Kind.PROVIDER, provider, meeting) for provider, meeting in meetings]
    checks = (
        BackgroundCheck.objects.filter(application__candidate=candidate)
        .exclude(provider_check_id="")
        .order_by("provider", "provider_check_id")
        .values_list("provider", "provider_check_id")
        .distinct()
    )
    steps += [step(Kind.CHECK, provider, check) for provider, check in checks]
    sent = (
        ProvisioningDelivery.objects.filter(plan__application__candidate=candidate, attempts__gt=0)
        .order_by("target__system", "plan_id")
        .values_list("target__system", "plan_id")
        .distinct()
    )
    steps += [step(Kind.PROVISIONING, system, str(plan)) for system, plan in sent]
    if request is not None and address:
        steps.append(step(Kind.CONFIRMATION, address=address, language=language))
    return steps


def _applications_withdrawn(candidate, *, actor) -> list[str]:
    """Their open applications end as withdrawn, each through the applications' service: its
    closing cancels their interviews (the interviewers are told) and ends what was pending."""
    reason = gettext("The candidate's data was erased.")
    open_applications = (
        Application.objects.filter(candidate=candidate)
        .exclude(stage__in=[*CLOSED_STAGES, Stage.HIRED])
        .order_by("created_at", "pk")
    )
    withdrawn = []
    for application in open_applications:
        application_move(application=application, event="withdraw", reason=reason, actor=actor)
        withdrawn.append(str(application.pk))
    return withdrawn


def _other_requests_closed(candidate, *, request, actor) -> list[str]:
    """Their other open requests are answered by the erasure: each refused with that reason (a
    copy not built is not built), while their key can still seal it."""
    reason = gettext("Your data was erased at your request: nothing of it is left to act on.")
    others = PrivacyRequest.objects.filter(candidate=candidate, state__in=PrivacyRequest.OPEN_STATES)
    if request is not None:
        others = others.exclude(pk=request.pk)
    closed = []
    for other in others.order_by("received_at", "pk"):
        request_services.privacy_request_refuse(request=other, actor=actor, reason=reason)
        closed.append(str(other.pk))
    return closed


def _pending_stopped(candidate, *, now: datetime) -> dict:
    """Nothing more goes to them or about them: queued messages (the cancellations just queued
    among them: their calendar entry goes with their mailbox's copy of it), new-hire deliveries
    not sent yet, and their copies' content."""
    messages = Notification.objects.filter(candidate=candidate, status=Notification.Status.PENDING).update(
        status=Notification.Status.CANCELLED, last_error="person_erased", updated_at=now
    )
    deliveries = ProvisioningDelivery.objects.filter(
        plan__application__candidate=candidate, status=ProvisioningDelivery.Status.PENDING
    ).update(status=ProvisioningDelivery.Status.CANCELLED, last_error="person_erased", updated_at=now)
    copies = (
        AccessBundle.objects.filter(candidate=candidate)
        .exclude(status=AccessBundle.Status.EXPIRED)
        .update(status=AccessBundle.Status.EXPIRED, content_json="", content_html="", updated_at=now)
    )
    return {"messages_cancelled": messages, "deliveries_cancelled": deliveries, "copies_emptied": copies}


def _account_closed(user: User, *, candidate, actor) -> None:
    """Their portal account can no longer sign in, and keeps nothing that names them; its
    username, a random one, stays for the audit trail's events of theirs."""
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()  # also ends their sessions: each carries a hash of the password
    user.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=user,
        candidate_id=candidate.pk,
        changed_fields=["first_name", "last_name", "email", "is_active", "password"],
        detail={"event": "erase"},
    )


def _key_destroy_now(step: ErasureHandOff) -> None:
    """After the commit: the key destroyed at once, so no value of theirs is read from now on;
    if the key store does not answer, the dispatcher tries again."""
    try:
        with transaction.atomic():
            claimed = _claim_one(step)
            if claimed is not None:
                _work(claimed)
                _done(claimed, now=timezone.now())
    except Exception:
        logger.exception("destroying the key of %s failed; the dispatcher retries", step.candidate_id)


def _claim_one(step: ErasureHandOff) -> ErasureHandOff | None:
    now = timezone.now()
    claimed = _QUEUE.claim(batch_size=1, now=now, waiting=ErasureHandOff.objects.filter(pk=step.pk))
    return claimed[0] if claimed else None


# --- The steps outside ---------------------------------------------------------------------------


def erasure_hand_offs_run(*, now: datetime | None = None) -> int:
    """Beat's run: the steps due, each once (a claimed step is skipped by a second run), the
    confirmations only once every other step of their erasure is done. Returns how many were done."""
    now = now or timezone.now()
    _QUEUE.release(_QUEUE.stale(now=now, timeout_seconds=CLAIM_TIMEOUT_SECONDS), now=now)
    others_open = ErasureHandOff.objects.filter(candidate_id=OuterRef("candidate_id"), status__in=_UNFINISHED)
    waiting = ErasureHandOff.objects.exclude(
        Exists(others_open.exclude(kind=Kind.CONFIRMATION)), kind=Kind.CONFIRMATION
    )
    claim = _QUEUE.claim_batch(
        batch_size=PER_RUN,
        now=now,
        waiting=waiting,
        renew_every=timedelta(seconds=CLAIM_TIMEOUT_SECONDS / 5),
    )
    done = 0
    for step in claim:
        if not claim.holds(step, now=timezone.now()):
            continue
        try:
            _work(step)
        except Exception as error:
            logger.warning("erasure step %s (%s %s) failed: %r", step.pk, step.kind, step.system, error)
            _failed(claim, step, error=error)
            continue
        with transaction.atomic():
            if claim.finish(step, now=timezone.now(), status=Status.DONE, done_at=timezone.now(), address=""):
                _recorded(step, "done")
                done += 1
    return done


def _work(step: ErasureHandOff) -> None:
    """One step, taken; raises when it was not taken now."""
    if step.kind == Kind.KEY:
        persons.person_key_destroy(step.candidate_id)
    elif step.kind == Kind.PROVIDER:
        providers.get(step.system).erase_recordings(meeting_id=step.reference)
    elif step.kind == Kind.CHECK:
        check_providers.get(step.system).erase_check(check_id=step.reference)
    elif step.kind == Kind.PROVISIONING:
        target = ProvisioningTarget.objects.filter(system=step.system).first()
        if target is None:
            raise DeliveryFailed("target_removed")
        provisioning_erasure_post(target=target, plan_id=step.reference)
    elif step.kind == Kind.CONFIRMATION:
        _confirmation_send(step)
    else:
        raise ValueError(f"No such erasure step: {step.kind}")


def _done(step: ErasureHandOff, *, now: datetime) -> None:
    if _QUEUE.finish(step, now=now, status=Status.DONE, done_at=now, address=""):
        _recorded(step, "done")


def _recorded(step: ErasureHandOff, event: str, **detail) -> None:
    """A step done or given up, in the trail under the person; the request completed when it was
    the last one left."""
    audit_record(
        actor=DISPATCHER,
        action=AuditAction.UPDATE,
        target=step,
        candidate_id=step.candidate_id,
        changed_fields=["status"],
        detail={"event": event, "step": step.kind, "system": step.system, **detail},
    )
    if step.request_id is not None and (event == "done" or step.kind == Kind.CONFIRMATION):
        _request_completed_when_all_done(step.request_id)


def _failed(claim: queue.Claim, step: ErasureHandOff, *, error: Exception) -> None:
    """A failed attempt waits its back-off; after MAX_ATTEMPTS the step is left for HR, a
    confirmation given up (with its address)."""
    now = timezone.now()
    changes = {
        "last_error": _error_name(error),
        "status": Status.PENDING,
        "claimed_at": None,
        "due_at": now + queue.backoff(step.attempts, base_seconds=BACKOFF_SECONDS),
    }
    if step.attempts >= MAX_ATTEMPTS:
        changes.update(status=Status.FAILED, address="")
    with transaction.atomic():
        if claim.finish(step, now=now, **changes) and changes["status"] == Status.FAILED:
            _recorded(step, "failed", attempts=step.attempts)


def _error_name(error: Exception) -> str:
    # The category only: an exception's text may name hosts, or hold the address.
    known = (DeliveryFailed, providers.ProviderUnavailable, check_providers.CheckUnavailable)
    reason = str(error) if isinstance(error, known) else ""
    return (reason or type(error).__name__)[:500]


def _request_completed_when_all_done(request_id) -> None:
    """The erasure request is done when none of its steps is left to take (a confirmation that
    could not be delivered included: nothing is left to try)."""
    steps = ErasureHandOff.objects.filter(request_id=request_id)
    unfinished = steps.filter(status__in=_UNFINISHED).exclude(kind=Kind.CONFIRMATION, status=Status.FAILED)
    if unfinished.exists():
        return
    request = PrivacyRequest.objects.filter(pk=request_id, state=PrivacyRequest.State.IN_PROGRESS).first()
    if request is not None:
        request_services.erasure_request_done(request=request, actor=DISPATCHER)


def _confirmation_send(step: ErasureHandOff) -> None:
    """The last message to the person: their data is erased, here and in the systems it was
    shared with. Its address is the row's; nothing else of theirs is left to put in it."""
    language = step.language if step.language in dict(settings.LANGUAGES) else "en"
    request = step.request
    zone = zone_or_utc(step.candidate.time_zone)
    with translation.override(language):
        context = {
            "asked": format_time(request.received_at, zone=zone, language=language),
            "erased": format_time(step.created_at, zone=zone, language=language),
            "shared": ErasureHandOff.objects.filter(
                request_id=step.request_id, kind__in=[Kind.PROVIDER, Kind.PROVISIONING]
            ).exists(),
        }
        text = render_to_string(f"privacy/erasure_done.{language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    html = render_to_string(
        "emails/layout.html", {"subject": subject.strip(), "body": body.strip(), "language": language}
    )
    message = EmailMultiAlternatives(
        subject=subject.strip(),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[step.address],
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    message.send()


# --- HR -----------------------------------------------------------------------------------------


@transaction.atomic
def erasure_steps_retry(*, request: PrivacyRequest, actor) -> int:
    """HR takes up again the steps of an erasure request that were left Failed (a provider or a
    target down for longer than the retries lasted), from their first attempt. A confirmation that
    failed is not: its address is gone."""
    require(actor, "change", PrivacyRequest)
    request = get_for_change(PrivacyRequest.objects.all(), user=actor, pk=request.pk)
    now = timezone.now()
    failed = ErasureHandOff.objects.filter(request=request, status=Status.FAILED).exclude(
        kind=Kind.CONFIRMATION
    )
    keys = list(failed.values_list("pk", flat=True))
    if not keys:
        message = gettext("No step of this erasure has failed.")
        raise Conflict(message, fields={"state": [message]}, code="no_failed_steps")
    ErasureHandOff.objects.filter(pk__in=keys, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, last_error="", due_at=now, updated_at=now
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type=ErasureHandOff._meta.label_lower,
        target_ids=keys,
        candidate_id=request.candidate_id,
        changed_fields=["status", "attempts", "due_at"],
        detail={"event": "retry", "request": str(request.pk)},
    )
    return len(keys)
