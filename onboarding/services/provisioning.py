"""Provisioning a hire to outside systems (OA / e-mail account, payroll and finance, training)
through signed outbound webhooks.

`provisioning_start` queues one ProvisioningDelivery per active target, inside the caller's
transaction; the row (unique idempotency key per plan and system) is the promise that the system
hears of the hire once. The dispatcher is a claim-and-retry queue (`hrsuite.queue`), as the
notification outbox is: it claims due rows with `select_for_update(skip_locked=True)` and a
pending→sending compare-and-set that commits before anything is sent, refreshes its claim before
each POST, backs off after a failure, and after HRSUITE_PROVISIONING_MAX_ATTEMPTS moves the row
to `dead`, opens an HRTask and tells the recruiters. HR sends a dead delivery again with
`provisioning_retry` (audited). When a plan is cancelled, `deliveries_cancel` cancels what has not
been delivered and names what has, for HR to undo (`deprovision_task_open`).

Each POST carries the body of the delivery (the same bytes on every attempt), the headers
Idempotency-Key (stable per plan and system, so a receiver that saw it already answers 2xx without
doing it twice), X-Hrsuite-Timestamp and X-Hrsuite-Signature: HMAC-SHA256 over "<timestamp>." +
body with the target's secret, the scheme of hrsuite.signing.
"""

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts.notices import recruiters_notify
from audit.models import AuditAction
from audit.services import audit_record
from hrsuite import outbound, queue
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import get_for_change, require
from hrsuite.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from hrsuite.workflow import transition
from onboarding.models import HRTask, OnboardingPlan, ProvisioningDelivery, ProvisioningTarget
from onboarding.services.notices import OnboardingMessage

logger = logging.getLogger(__name__)

System = ProvisioningTarget.System
DeliveryStatus = ProvisioningDelivery.Status
QUEUE = queue.ClaimQueue(
    model=ProvisioningDelivery,
    pending=DeliveryStatus.PENDING,
    sending=DeliveryStatus.SENDING,
    due_field="next_attempt_at",
)
SYSTEM_ACTOR = "system:provisioning"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MIN_SECRET_LENGTH = 16

# --- Targets ---------------------------------------------------------------------------------------


def _allowed_networks():
    return outbound.networks(settings.HRSUITE_PROVISIONING_ALLOWED_NETWORKS)


def _target_errors(*, url: str | None, secret: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors["url"] = [gettext("An http(s) URL with a host.")]
        elif parts.username or parts.password:
            # Credentials in a URL end up in logs; the secret signs the request instead.
            errors["url"] = [gettext("No user name or password in the URL: the secret signs each request.")]
        elif outbound.url_refused(url, allowed=_allowed_networks()):
            # Checked again on every connection: the name may resolve elsewhere later.
            errors["url"] = [
                gettext(
                    "This address is on a local or private network. Only public addresses are "
                    "allowed unless the administrator allows its network."
                )
            ]
    if secret is not None and len(secret) < MIN_SECRET_LENGTH:
        errors["secret"] = [gettext("At least %(count)s characters.") % {"count": MIN_SECRET_LENGTH}]
    return errors


@transaction.atomic
def provisioning_target_create(
    *, system: str, url: str, secret: str, active: bool = True, actor
) -> ProvisioningTarget:
    """Configure the endpoint of one system (one per system)."""
    require(actor, "add", ProvisioningTarget)
    errors = _target_errors(url=url, secret=secret)
    if system not in System.values:
        errors["system"] = [gettext("Choose one of %(choices)s.") % {"choices": System.values}]
    elif ProvisioningTarget.objects.filter(system=system).exists():
        errors["system"] = [gettext("This system has its endpoint already: change that one.")]
    if errors:
        raise ValidationFailed.naming(gettext("Invalid target: %(fields)s."), errors)
    target = ProvisioningTarget(system=system, url=url, secret=secret, active=active)
    target.save(force_insert=True)
    # The secret is named, never its value.
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=target,
        changed_fields=["system", "url", "secret", "active"],
        detail={"system": system},
    )
    return target


@transaction.atomic
def provisioning_target_update(
    *,
    target: ProvisioningTarget,
    actor,
    url: str | None = None,
    secret: str | None = None,
    active: bool | None = None,
) -> ProvisioningTarget:
    """Change a target's URL, secret (rotation) or whether hires are sent to it. Deliveries already
    queued go to the target as it is when they are sent."""
    target = get_for_change(ProvisioningTarget.objects, user=actor, pk=target.pk)
    errors = _target_errors(url=url, secret=secret)
    if errors:
        raise ValidationFailed.naming(gettext("Invalid target: %(fields)s."), errors)
    changed = []
    for name, value in (("url", url), ("secret", secret), ("active", active)):
        if value is not None and (name == "secret" or getattr(target, name) != value):
            setattr(target, name, value)
            changed.append(name)
    if changed:
        target.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=target,
            changed_fields=changed,
            detail={"system": target.system},
        )
    return target


# --- Queueing --------------------------------------------------------------------------------------


def idempotency_key(plan: OnboardingPlan, system: str) -> str:
    return f"provisioning:{plan.pk}:{system}"


def work_email_for(full_name: str, *, plan: OnboardingPlan) -> str:
    """The OA account to create: the name in Latin letters where it has them, and a part of the
    plan id so two hires of the same name never ask for the same address."""
    local = slugify(full_name).replace("-", ".") or "newhire"
    return f"{local}.{str(plan.pk)[:6]}@{settings.HRSUITE_WORK_EMAIL_DOMAIN}"


def payload_for(system: str, *, plan: OnboardingPlan) -> dict:
    """What one system is told: each only what it needs (the salary goes to finance alone)."""
    offer = plan.offer
    position = offer.position
    candidate = plan.application.candidate
    common = {"name": candidate.full_name, "start_date": plan.start_date.isoformat()}
    if system == System.OA:
        return {
            **common,
            "work_email": work_email_for(candidate.full_name, plan=plan),
            "position": position.title,
            "department": position.department,
            "location": offer.location,
        }
    if system == System.FINANCE:
        return {**common, "salary": str(offer.salary), "currency": offer.currency}
    if system == System.TRAINING:
        return {**common, "position": position.title, "courses": list(settings.HRSUITE_NEW_HIRE_COURSES)}
    raise ValueError(f"Unknown system {system!r}.")


def provisioning_start(*, plan: OnboardingPlan, actor) -> list[ProvisioningDelivery]:
    """Queue the hire for every active target, once per system (a second call finds the rows of
    the first). Runs inside the caller's transaction (offer accepted, or the start date reached);
    the beat's dispatcher sends them. Systems without an active target are skipped and logged;
    a cancelled plan queues nothing."""
    plan = OnboardingPlan.objects.select_related("offer__position", "application__candidate").get(pk=plan.pk)
    if plan.status == OnboardingPlan.Status.CANCELLED:
        logger.info("Provisioning: plan %s is cancelled; nothing queued", plan.pk)
        return []
    now = timezone.now()
    deliveries = []
    with transaction.atomic():
        for target in ProvisioningTarget.objects.filter(active=True).order_by("system"):
            key = idempotency_key(plan, target.system)
            delivery = ProvisioningDelivery(
                plan=plan,
                target=target,
                idempotency_key=key,
                payload=payload_for(target.system, plan=plan),
                next_attempt_at=now,
            )
            try:
                with transaction.atomic():
                    delivery.save(force_insert=True)
            except IntegrityError:
                deliveries.append(ProvisioningDelivery.objects.get(idempotency_key=key))
                continue
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                target=delivery,
                candidate_id=plan.application.candidate_id,
                changed_fields=["payload", "status"],
                detail={"system": target.system, "plan": str(plan.pk)},
            )
            deliveries.append(delivery)
    missing = set(System.values) - {d.target.system for d in deliveries}
    if missing:
        logger.warning(
            "Provisioning: no active target for %s; plan %s not sent there", sorted(missing), plan.pk
        )
    return deliveries


# --- Sending ---------------------------------------------------------------------------------------
#
# As with the outbox, each attempt is recorded on the row (attempts, last_error, delivered_at), not
# in the audit trail; the trail gets what a person must be able to trace: a delivery queued, given
# up on (dead, with its HR task), and HR's retry.


@dataclass
class DispatchResult:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    reclaimed: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retried + self.dead


class DeliveryFailed(Exception):
    """The receiver did not take the delivery (non-2xx, timeout, refused connection)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it would resend personal data to another address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    # Proxies come from the environment (HTTPS_PROXY / NO_PROXY), as for any outbound client;
    # direct connections go only to the addresses the URL policy allows.
    return outbound.checked_opener(_NoRedirects, allowed=_allowed_networks())


def _backoff(attempts: int) -> timedelta:
    # The queue's doubling wait from the provisioning base: 1 min, 2 min, 4 min, ... by default.
    return queue.backoff(attempts, base_seconds=settings.HRSUITE_PROVISIONING_BACKOFF_SECONDS)


def delivery_body(delivery: ProvisioningDelivery) -> bytes:
    """The bytes POSTed: the same on every attempt, so a receiver may compare them."""
    document = {
        "event": "new_hire",
        "system": delivery.target.system,
        "idempotency_key": delivery.idempotency_key,
        "plan": str(delivery.plan_id),
        "data": delivery.payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def delivery_headers(delivery: ProvisioningDelivery, body: bytes, *, timestamp: int | None = None) -> dict:
    return _signed_headers(delivery.target, delivery.idempotency_key, body, timestamp=timestamp)


def _signed_headers(
    target: ProvisioningTarget, key: str, body: bytes, *, timestamp: int | None = None
) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json; charset=utf-8",
        IDEMPOTENCY_HEADER: key,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(target.secret.encode(), stamp, body),
    }


def _post(delivery: ProvisioningDelivery) -> int:
    """POST the delivery once; its HTTP status when 2xx, DeliveryFailed otherwise."""
    body = delivery_body(delivery)
    return _signed_post(delivery.target, body, key=delivery.idempotency_key, what=f"delivery {delivery.pk}")


def erasure_key(plan_id, system: str) -> str:
    return f"erase:{plan_id}:{system}"


def provisioning_erasure_post(*, target: ProvisioningTarget, plan_id) -> int:
    """Ask one system to delete what it was sent about a hire, once: a signed POST of the plan's
    id, the reference the new-hire delivery carried, and nothing else about the person. Its
    HTTP status when 2xx, DeliveryFailed otherwise; the same request every time, under one
    idempotency key, so a receiver that took it already does nothing more."""
    key = erasure_key(plan_id, target.system)
    document = {"event": "erase", "system": target.system, "idempotency_key": key, "plan": str(plan_id)}
    body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return _signed_post(target, body, key=key, what=f"erasure of plan {plan_id}")


def _signed_post(target: ProvisioningTarget, body: bytes, *, key: str, what: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked when the target is saved)
        target.url, data=body, headers=_signed_headers(target, key, body), method="POST"
    )
    try:
        # Checked before sending as well as on connecting: a proxy connects on our behalf.
        if outbound.url_refused(target.url, allowed=_allowed_networks()):
            raise outbound.AddressNotAllowed(f"{urlsplit(target.url).hostname} is not allowed")
        with _opener().open(request, timeout=settings.HRSUITE_PROVISIONING_TIMEOUT) as response:
            response.read(65536)
            return response.status
    except urllib.error.HTTPError as exc:
        with exc:
            raise DeliveryFailed(outbound.failure_reason(exc)) from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        # HR reads the category only: the exception's text names hosts and ports and quotes what
        # answered there, which would let a target's URL probe the internal network.
        logger.warning(
            "Provisioning: %s to %s at %s failed: %r",
            what,
            target.system,
            urlsplit(target.url).netloc,  # not the path and query, which may hold a token
            exc,
        )
        raise DeliveryFailed(outbound.failure_reason(exc)) from None


def provisioning_reclaim_stale(*, now: datetime | None = None) -> int:
    """Rows left in 'sending' by a dispatcher that died go back to 'pending', or end 'dead' when
    they have used their attempts."""
    now = now or timezone.now()
    stale = QUEUE.stale(now=now, timeout_seconds=settings.HRSUITE_PROVISIONING_CLAIM_TIMEOUT)
    # A cancelled hire's delivery is not tried again, nor dead-lettered.
    count = stale.filter(plan__status=OnboardingPlan.Status.CANCELLED).update(
        status=DeliveryStatus.CANCELLED, claimed_at=None, updated_at=now
    )
    for delivery in stale.filter(attempts__gte=settings.HRSUITE_PROVISIONING_MAX_ATTEMPTS).select_related(
        "plan__application", "target"
    ):
        count += _give_up(delivery, error="The worker stopped while sending.", now=now)
    count += QUEUE.release(stale, now=now)
    if count:
        logger.warning("Provisioning: %s stale claims reclaimed", count)
    return count


def _claim(*, batch_size: int, now: datetime) -> queue.Claim:
    """Due rows for this dispatcher, their claim renewed four times inside the claim timeout while
    they are worked; deliveries of a cancelled plan wait."""
    return QUEUE.claim_batch(
        batch_size=batch_size,
        now=now,
        renew_every=timedelta(seconds=settings.HRSUITE_PROVISIONING_CLAIM_TIMEOUT / 4),
        waiting=ProvisioningDelivery.objects.exclude(plan__status=OnboardingPlan.Status.CANCELLED),
        select_related=("target", "plan__application"),
    )


def _give_up(delivery: ProvisioningDelivery, *, error: str, now: datetime) -> int:
    """'sending' → 'dead', with the HR task and the recruiters' message, all or nothing."""
    with transaction.atomic():
        moved = QUEUE.finish(delivery, now=now, status=DeliveryStatus.DEAD, last_error=error, claimed_at=None)
        if not moved:
            return 0
        application = delivery.plan.application
        task = HRTask(
            kind=HRTask.Kind.PROVISIONING_FAILED, application=application, due_at=now + timedelta(days=1)
        )
        task.save(force_insert=True)
        detail = {
            "system": delivery.target.system,
            "attempts": delivery.attempts,
            "plan": str(delivery.plan_id),
        }
        audit_record(
            actor=SYSTEM_ACTOR,
            action=AuditAction.UPDATE,
            target=delivery,
            candidate_id=application.candidate_id,
            changed_fields=["status", "last_error"],
            detail={"event": "dead", **detail},
        )
        audit_record(
            actor=SYSTEM_ACTOR,
            action=AuditAction.CREATE,
            target=task,
            candidate_id=application.candidate_id,
            changed_fields=["kind", "status"],
            detail={"delivery": str(delivery.pk), **detail},
        )
        # One message per death: a retried delivery that dies again opens a new task.
        recruiters_notify(
            template=OnboardingMessage.PROVISIONING_DEAD,
            application=application,
            reason=f"delivery:{delivery.pk}:{task.pk}",
            extra={
                "system": delivery.target.system,
                "delivery": str(delivery.pk),
                "plan": str(delivery.plan_id),
                "hr_task": str(task.pk),
            },
        )
    logger.error(
        "Provisioning: %s to %s dead after %s attempts",
        delivery.pk,
        delivery.target.system,
        delivery.attempts,
    )
    return 1


def _plan_cancelled(delivery: ProvisioningDelivery) -> bool:
    return OnboardingPlan.objects.filter(pk=delivery.plan_id, status=OnboardingPlan.Status.CANCELLED).exists()


def _send(delivery: ProvisioningDelivery, claim: queue.Claim, result: DispatchResult) -> None:
    now = timezone.now()
    if not claim.holds(delivery, now=now):
        return
    try:
        _post(delivery)
    except DeliveryFailed as exc:
        error, now = str(exc), timezone.now()
        if _plan_cancelled(delivery):
            # Cancelled while this attempt was on its way: not tried again, and no dead letter.
            QUEUE.finish(
                delivery, now=now, status=DeliveryStatus.CANCELLED, last_error=error, claimed_at=None
            )
        elif delivery.attempts >= settings.HRSUITE_PROVISIONING_MAX_ATTEMPTS:
            result.dead += _give_up(delivery, error=error, now=now)
        elif QUEUE.finish(
            delivery,
            now=now,
            status=DeliveryStatus.PENDING,
            last_error=error,
            claimed_at=None,
            next_attempt_at=now + _backoff(delivery.attempts),
        ):
            result.retried += 1
        return
    now = timezone.now()
    if QUEUE.finish(
        delivery, now=now, status=DeliveryStatus.DELIVERED, delivered_at=now, claimed_at=None, last_error=""
    ):
        result.delivered += 1


def provisioning_dispatch(
    *, batch_size: int | None = None, max_batches: int | None = None, seconds: float | None = None
) -> DispatchResult:
    """Send what is due now, batch after batch, until nothing is due (or `max_batches` ran, or
    `seconds` passed: slow receivers must not push a task past its time limit; what is left is
    the next beat's). Safe to run in several workers at once: each row is claimed by one of them."""
    batch_size = batch_size or settings.HRSUITE_PROVISIONING_BATCH_SIZE
    deadline = None if seconds is None else time.monotonic() + seconds
    result = DispatchResult(reclaimed=provisioning_reclaim_stale())
    batches = 0
    while (max_batches is None or batches < max_batches) and (
        deadline is None or time.monotonic() < deadline
    ):
        claim = _claim(batch_size=batch_size, now=timezone.now())
        if not claim:
            break
        for delivery in claim:
            _send(delivery, claim, result)
        batches += 1
    return result


# --- HR's retry ------------------------------------------------------------------------------------

# HR's manual moves; the dispatcher's own moves are its compare-and-set updates above.
DELIVERY_TRANSITIONS = {
    (DeliveryStatus.DEAD, "retry"): DeliveryStatus.PENDING,
    # The hire's onboarding is cancelled: what has not reached the system never will.
    (DeliveryStatus.PENDING, "cancel"): DeliveryStatus.CANCELLED,
    (DeliveryStatus.DEAD, "cancel"): DeliveryStatus.CANCELLED,
}


@transaction.atomic
def provisioning_retry(*, delivery: ProvisioningDelivery, actor) -> ProvisioningDelivery:
    """HR sends a dead delivery again: back to 'pending', due now, with fresh attempts and the same
    idempotency key (a receiver that took an earlier attempt after all does not do it twice)."""
    delivery = get_for_change(
        ProvisioningDelivery.objects.select_related("target", "plan__application"), user=actor, pk=delivery.pk
    )
    current = transition(
        delivery,
        table=DELIVERY_TRANSITIONS,
        event="retry",
        changes={"attempts": 0, "next_attempt_at": timezone.now(), "claimed_at": None},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=delivery,
        candidate_id=delivery.plan.application.candidate_id,
        changed_fields=["status", "attempts", "next_attempt_at"],
        detail={"event": "retry", "from": current, "system": delivery.target.system},
    )
    return delivery


# --- A cancelled plan ------------------------------------------------------------------------------


@dataclass
class CancelledDeliveries:
    cancelled: list[ProvisioningDelivery]
    # Delivered, or being sent right now: the outside system knows of the hire.
    made: list[ProvisioningDelivery]


def deliveries_cancel(*, plan: OnboardingPlan, actor) -> CancelledDeliveries:
    """The plan's deliveries that have not reached their system are cancelled (each by the table,
    audited); those that have, or may have, are returned for HR to undo. Inside `plan_cancel`'s
    transaction."""
    result = CancelledDeliveries(cancelled=[], made=[])
    deliveries = ProvisioningDelivery.objects.select_for_update(of=("self",)).select_related("target")
    for delivery in deliveries.filter(plan=plan).order_by("target__system"):
        if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.SENDING):
            result.made.append(delivery)
            continue
        if (delivery.status, "cancel") not in DELIVERY_TRANSITIONS:
            continue
        current = transition(
            delivery, table=DELIVERY_TRANSITIONS, event="cancel", changes={"claimed_at": None}
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=delivery,
            candidate_id=plan.application.candidate_id,
            changed_fields=["status"],
            detail={"event": "cancel", "from": current, "system": delivery.target.system},
        )
        result.cancelled.append(delivery)
    return result


def deprovision_task_open(*, plan: OnboardingPlan, deliveries: list[ProvisioningDelivery], actor) -> HRTask:
    """An HR task to remove the cancelled hire from the systems that were told (OA account,
    payroll, training): a person must own it until it is done. The recruiters are told."""
    application = plan.application
    task = HRTask(
        kind=HRTask.Kind.DEPROVISION, application=application, due_at=timezone.now() + timedelta(days=1)
    )
    task.save(force_insert=True)
    systems = [d.target.system for d in deliveries]
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=task,
        candidate_id=application.candidate_id,
        changed_fields=["kind", "status"],
        detail={"plan": str(plan.pk), "systems": systems},
    )
    recruiters_notify(
        application=application,
        template=OnboardingMessage.HR_TASK_OPENED,
        reason=f"hr_task:{task.pk}",
        extra={"hr_task": str(task.pk), "plan": str(plan.pk), "systems": systems},
    )
    return task
