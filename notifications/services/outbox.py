"""The notification outbox: queueing messages, and sending them when due (docs/architecture.md,
"Notifications").

Services call `notification_queue` inside their transaction; the row is the promise that the
message will be sent once, when due. Each message's `payload` says what it announces, so the
dispatcher can ask the app that registered its template (`notifications.registry`) whether it still
holds at send time; a message whose subject has moved on is cancelled, not sent.
"""

import contextlib
import logging
import re
import smtplib
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends import smtp
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite import queue
from hrsuite.permissions import get_for_change
from hrsuite.workflow import transition
from notifications import registry
from notifications.models import Notification
from notifications.rendering import MessageUnsendable, render
from notifications.smtp import smtp_send


def notification_key(template: str, *parts: object) -> str:
    return ":".join([template, *(str(p) for p in parts)])


def notification_queue(
    *,
    template: str,
    key: str,
    due_at: datetime | None = None,
    candidate=None,
    recipient_user=None,
    interview=None,
    payload: dict | None = None,
    secret_payload: dict | None = None,
    language: str | None = None,
) -> Notification:
    """Queue one message, or find the one queued under `key` before (idempotent)."""
    registered = registry.template_for(template)  # only a template an app registered
    if (candidate is None) == (recipient_user is None):
        raise ValueError("A notification has exactly one recipient: a candidate or a user.")
    if language is None:
        language = (candidate or recipient_user).preferred_language or "en"
    notification = Notification(
        template=template,
        idempotency_key=key,
        due_at=due_at or timezone.now(),
        priority=registered.priority,
        candidate=candidate,
        recipient_user=recipient_user,
        interview=interview,
        payload=payload or {},
        secret_payload=secret_payload or {},
        language=language,
    )
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return Notification.objects.get(idempotency_key=key)
    return notification


def notifications_cancel(*, interview, templates: list[str]) -> int:
    """Drop the interview's messages of these templates that have not gone out yet."""
    return Notification.objects.filter(
        interview=interview, template__in=templates, status=Notification.Status.PENDING
    ).update(status=Notification.Status.CANCELLED, updated_at=timezone.now())


# --- Sending ---------------------------------------------------------------------------------------
#
# Sending writes no audit event per message: tens of thousands of reminders a day would swamp the
# trail that HR reads for "who saw or changed this person's file". The Notification row itself is
# the record of what went out and when (sent_at, attempts, last_error). HR's actions on the outbox
# (retry) and HR's reads of it (through the API's selectors) are audited as usual.

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 30
QUEUE = queue.ClaimQueue(
    model=Notification,
    pending=Notification.Status.PENDING,
    sending=Notification.Status.SENDING,
    due_field="due_at",
    priority_field="priority",
)
_ADDRESS = re.compile(r"\S+@\S+")


@dataclass
class DispatchResult:
    sent: int = 0
    cancelled: int = 0
    retried: int = 0
    failed: int = 0
    reclaimed: int = 0

    def add(self, other: "DispatchResult") -> None:
        for name in ("sent", "cancelled", "retried", "failed", "reclaimed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def handled(self) -> int:
        return self.sent + self.cancelled + self.retried + self.failed


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt of a message: 30 s, 60 s, 120 s, ..."""
    return queue.backoff(attempts, base_seconds=BACKOFF_SECONDS)


def outbox_reclaim_stale(*, now: datetime | None = None) -> int:
    """Rows left in 'sending' by a worker that died go back to 'pending' (or end 'failed' when
    they have used their attempts). A live sender renews its batch's claim every few seconds, so
    only a sender silent for the whole timeout loses its rows."""
    now = now or timezone.now()
    stale = QUEUE.stale(now=now, timeout_seconds=settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT)
    failed = stale.filter(attempts__gte=settings.HRSUITE_OUTBOX_MAX_ATTEMPTS).update(
        status=Notification.Status.FAILED,
        last_error="The worker stopped while sending.",
        claimed_at=None,
        updated_at=now,
    )
    reclaimed = QUEUE.release(stale, now=now)
    if failed or reclaimed:
        logger.warning("Outbox: %s stale claims reclaimed, %s failed", reclaimed, failed)
    return reclaimed + failed


def renew_every() -> timedelta:
    """How often a sender renews its batch's claim: four times inside the claim timeout, so a
    message may take up to three quarters of it before the claim could lapse."""
    return timedelta(seconds=settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT / 4)


def _claim(*, batch_size: int, now: datetime) -> queue.Claim:
    return QUEUE.claim_batch(
        batch_size=batch_size,
        now=now,
        renew_every=renew_every(),
        select_related=("candidate", "recipient_user", *registry.related_paths()),
    )


def stale_reasons(notifications: list[Notification]) -> dict[int, str]:
    """Why each message no longer holds, as its template's app reads it now: {pk: reason} for
    those that do not. Each registered batch check runs once for all its messages."""
    reasons: dict[int, str] = {}
    batches: dict = {}
    for notification in notifications:
        template = registry.template_for(notification.template)
        if template.stale_reasons is not None:
            batches.setdefault(template.stale_reasons, []).append(notification)
        elif template.stale_reason is not None and (reason := template.stale_reason(notification)):
            reasons[notification.pk] = reason
    for check, batch in batches.items():
        reasons.update(check(batch))
    return reasons


def stale_reason(notification: Notification) -> str:
    """Why the message no longer holds ('' when it does), as its template's app reads it now."""
    return stale_reasons([notification]).get(notification.pk, "")


def _safe_error(exc: Exception) -> str:
    """What went wrong, without addresses: servers quote the recipient in their answers."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        text = f"SMTPRecipientsRefused: {codes}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        message = (
            exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        text = f"{type(exc).__name__}: {exc.smtp_code} {message}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _ADDRESS.sub("[address]", text)[:500]


def _failed_attempt(
    claim: queue.Claim, notification: Notification, exc: Exception, now: datetime, result: DispatchResult
):
    error = _safe_error(exc)
    if notification.attempts >= settings.HRSUITE_OUTBOX_MAX_ATTEMPTS:
        claim.finish(
            notification, now=now, status=Notification.Status.FAILED, last_error=error, claimed_at=None
        )
        result.failed += 1
        logger.error("Outbox: %s failed for good after %s attempts", notification.pk, notification.attempts)
    else:
        claim.finish(
            notification,
            now=now,
            status=Notification.Status.PENDING,
            last_error=error,
            claimed_at=None,
            due_at=now + backoff(notification.attempts),
        )
        result.retried += 1


# How old the answer to "does it still hold" may be when a message goes out: the batch's rows
# are checked together, and again when the last check is older than this.
RECHECK_SECONDS = 1.0


@contextlib.contextmanager
def _commits_not_waiting_for_disk():
    """The dispatcher's writes while it sends (each row's outcome, the claim's renewals) commit
    without waiting for PostgreSQL to flush its log to disk, which took most of the time of
    marking a row sent. A commit is still visible to every other dispatcher at once and survives
    the worker dying; only a crash of the database server itself may lose the last fraction of a
    second of them, and a 'sent' lost so is sent again as the same message (docs/architecture.md,
    "Notifications")."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver(mail_connection, message) -> datetime:
    """Hand one message to the mail server; returns when the server took it. Django's SMTP
    backend's connection is given the message's bytes as they are (its own path would parse every
    address again), pipelined where the server offers it (`notifications.smtp`); any other backend
    (the console in development) sends it its usual way."""
    if isinstance(mail_connection, smtp.EmailBackend):
        mail_connection.open()  # once per batch; again only after a broken connection
        smtp_send(
            mail_connection.connection,
            sender=message.envelope_from,
            recipient=message.envelope_to,
            data=message.data,
        )
    else:
        message.connection = mail_connection
        message.send()
    return timezone.now()


class _Senders:
    """The batch's SMTP connections (`HRSUITE_OUTBOX_CONNECTIONS`), each sending from a thread
    while the dispatcher's own thread checks and renders the next messages and records outcomes.

    A connection is handed a message only when its last one's outcome has been recorded (the row
    marked sent right after the server's 250, or failed), so a dispatcher never has more messages
    the server may have taken without their rows saying so than it has connections: that many
    is what a crash can send twice (docs/architecture.md, "Notifications"). The database is only
    touched from the dispatcher's thread, on its one connection and its one claim."""

    def __init__(self, count: int):
        self.idle = [get_connection() for _ in range(count)]
        self.busy: dict[Future, tuple] = {}
        self.pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="outbox-smtp")

    def send(self, mail_connection, notification: Notification, message) -> None:
        future = self.pool.submit(self._send, mail_connection, message)
        self.busy[future] = (mail_connection, notification)

    @staticmethod
    def _send(mail_connection, message) -> datetime:
        try:
            return _deliver(mail_connection, message)
        except Exception:
            # The connection may be broken half-way; its next message opens a fresh one.
            with contextlib.suppress(Exception):
                mail_connection.close()
            raise

    def finished(self, *, wait: bool) -> list[tuple[Notification, Future]]:
        """The messages whose sending ended (waiting for one when `wait`), their connections
        free again once the caller recorded their outcomes."""
        if wait and self.busy:
            futures.wait(self.busy, return_when=futures.FIRST_COMPLETED)
        done = []
        for future in [future for future in self.busy if future.done()]:
            mail_connection, notification = self.busy.pop(future)
            self.idle.append(mail_connection)
            done.append((notification, future))
        return done

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        for mail_connection in self.idle + [c for c, _ in self.busy.values()]:
            with contextlib.suppress(Exception):
                mail_connection.close()


def _record(claim: queue.Claim, finished: list[tuple[Notification, Future]], result: DispatchResult) -> None:
    """The outcomes of messages whose sending ended: the sent ones marked in one UPDATE, each with
    the moment its server said 250; the others retried or failed."""
    sent = []
    for notification, future in finished:
        exc = future.exception()
        if exc is None:
            sent.append((notification, future.result()))
        else:
            _failed_attempt(claim, notification, exc, timezone.now(), result)
    if sent:
        sent_at = (
            sent[0][1]
            if len(sent) == 1
            else Case(*(When(pk=n.pk, then=Value(at)) for n, at in sent), output_field=DateTimeField())
        )
        claim.finish_all(
            [notification for notification, _ in sent],
            now=max(at for _, at in sent),
            status=Notification.Status.SENT,
            sent_at=sent_at,
        )
    result.sent += len(sent)


class _StillWanted:
    """Why each of a batch's messages is no longer wanted (`stale_reasons`: its interview
    cancelled, say), asked for the whole batch at once and again when the answer is
    RECHECK_SECONDS old."""

    def __init__(self, claim: queue.Claim):
        self.claim = claim
        self.reasons: dict[int, str] = {}
        self.checked_at = None

    def cancelled(self, notification: Notification, result: DispatchResult) -> bool:
        """Cancels the message if it is no longer wanted; whether it did."""
        now = timezone.now()
        if self.checked_at is None or (now - self.checked_at).total_seconds() >= RECHECK_SECONDS:
            left = [row for row in self.claim.rows if row.pk in self.claim.held]
            self.reasons, self.checked_at = stale_reasons(left), now
        reason = self.reasons.get(notification.pk)
        if reason:
            self.claim.finish(notification, now=now, status=Notification.Status.CANCELLED, last_error=reason)
            result.cancelled += 1
        return bool(reason)


def _rendered(claim: queue.Claim, wanted: _StillWanted, result: DispatchResult):
    """The batch's messages still held, each rendered when asked for: (notification, message).
    One already known to be unwanted is cancelled before it is rendered, never failed for what
    rendering it would find missing."""
    for notification in claim.rows:
        if not claim.holds(notification, now=timezone.now()) or wanted.cancelled(notification, result):
            continue
        try:
            yield notification, render(notification)
        except MessageUnsendable as exc:
            # Sending again cannot help (no address, say): fail at once for HR to look at.
            claim.finish(
                notification, now=timezone.now(), status=Notification.Status.FAILED, last_error=str(exc)[:500]
            )
            result.failed += 1


def _send_batch(claim: queue.Claim, result: DispatchResult) -> None:
    """Hand each free connection a message, rendering the next one while they send; then wait
    for the connections and record whatever ended meanwhile, together. Whether a message is
    still wanted is asked before it is rendered and again as a connection is handed it."""
    senders = _Senders(settings.HRSUITE_OUTBOX_CONNECTIONS)
    wanted = _StillWanted(claim)
    try:
        with _commits_not_waiting_for_disk():
            messages = _rendered(claim, wanted, result)
            upcoming = next(messages, None)
            while upcoming is not None or senders.busy:
                while upcoming is not None and senders.idle:
                    notification, message = upcoming
                    if not wanted.cancelled(notification, result):
                        senders.send(senders.idle.pop(), notification, message)
                    upcoming = next(messages, None)
                if senders.busy:
                    _record(claim, senders.finished(wait=True), result)
    except BaseException:
        # What the connections still send is recorded all the same where the database lets it,
        # rather than sent again once the claim lapses.
        with contextlib.suppress(DatabaseError):
            while senders.busy:
                _record(claim, senders.finished(wait=True), result)
        raise
    finally:
        senders.close()


def outbox_dispatch(*, batch_size: int | None = None, max_batches: int | None = None) -> DispatchResult:
    """Send what is due now, batch after batch, until nothing is due (or `max_batches` ran).

    Safe to run in several workers at once: each row is claimed by exactly one of them.
    """
    batch_size = batch_size or settings.HRSUITE_OUTBOX_BATCH_SIZE
    result = DispatchResult(reclaimed=outbox_reclaim_stale())
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = _claim(batch_size=batch_size, now=timezone.now())
        if not batch:
            break
        _send_batch(batch, result)
        batches += 1
    return result


def backlog_batches(*, limit: int = 16) -> int:
    """How many full batches are due now, counted up to `limit`."""
    due = Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=timezone.now())
    size = settings.HRSUITE_OUTBOX_BATCH_SIZE
    return len(due.order_by().values_list("pk", flat=True)[: size * limit]) // size


def next_due_at() -> datetime | None:
    """When there is next something to do: a pending row falls due, or a claim a dead worker left
    lapses (so a dispatcher still waiting takes its rows back then, not at beat's next tick)."""
    pending = (
        Notification.objects.filter(status=Notification.Status.PENDING)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    claimed = (
        Notification.objects.filter(status=Notification.Status.SENDING)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    lapses = None if claimed is None else claimed + timedelta(seconds=settings.HRSUITE_OUTBOX_CLAIM_TIMEOUT)
    return min((moment for moment in (pending, lapses) if moment is not None), default=None)


# HR's manual retry; the dispatcher's own moves (claim, send, back-off) are its compare-and-set
# updates above, on the claim it holds.
NOTIFICATION_TRANSITIONS = {(Notification.Status.FAILED, "retry"): Notification.Status.PENDING}


@transaction.atomic
def notification_retry(*, notification: Notification, actor) -> Notification:
    """HR sends a failed message again: back to 'pending', due now, with fresh attempts."""
    notification = get_for_change(Notification.objects, user=actor, pk=notification.pk)
    transition(
        notification,
        table=NOTIFICATION_TRANSITIONS,
        event="retry",
        changes={"attempts": 0, "due_at": timezone.now(), "claimed_at": None},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=notification,
        changed_fields=["status", "attempts", "due_at"],
        detail={"event": "retry", "template": notification.template},
    )
    return notification
