"""Privacy requests: made by the candidate in the portal or recorded by a recruiter, then started,
completed or refused by HR, each by its deadline (docs/architecture.md, "Privacy requests").

REQUEST_TRANSITIONS is the one table of a request's states; every move is a compare-and-set update
with its audit event. What completing means depends on the kind:

- access: the copy of the candidate's data is built in the background once the request is
  started (`privacy.services.access`), which completes it when the copy is ready;
- correction: HR corrects the records through the candidates' and applications' own services
  (audited there), then completes the request with a note; the request keeps the audit events of
  the changes made since it was received, so it names what was changed;
- restriction: in force from receipt (`privacy.services.restrictions`); completing confirms it,
  refusing lifts it;
- erasure: carried out by the erasure service (`privacy.services.erasure`), which completes it
  once every step outside this database is done; here it may be started or refused.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from candidates.models import Candidate
from hrsuite.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from hrsuite.permissions import get_for_change, global_permission, has_role, require, restrict
from hrsuite.roles import Role
from hrsuite.workflow import transition
from privacy.models import AccessBundle, ErasureHandOff, PrivacyRequest
from privacy.services import restrictions

Kind, Channel, State = PrivacyRequest.Kind, PrivacyRequest.Channel, PrivacyRequest.State

REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (State.RECEIVED, "start"): State.IN_PROGRESS,
    (State.RECEIVED, "refuse"): State.REFUSED,
    (State.IN_PROGRESS, "complete"): State.DONE,
    (State.IN_PROGRESS, "refuse"): State.REFUSED,
}
# What a candidate or HR may write: a letter's worth.
TEXT_MAX = 5000
# The channels a recruiter records a request from; the portal's are the candidate's own.
RECORDED_CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.LETTER)
RECORDED_CHANNEL_CHOICES = [(channel.value, channel.label) for channel in RECORDED_CHANNELS]
# The audit events a completed correction names at most, newest first.
CHANGES_NAMED = 50
# Changes that can correct a candidate's data: their own records' events, not the request's own.
_CORRECTING = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)


class ErasureElsewhere(ApplicationError):
    """An erasure request is completed by the erasure service once its last step is done."""

    status_code = 409
    code = "erasure_carried_out_elsewhere"


def deadline_days(region: str) -> int:
    """The days a request from a candidate of `region` ("CN", "US-IL", ...) is answered in: the
    longest prefix of the region named in HRSUITE_PRIVACY_DEADLINE_DAYS, else its "default"."""
    table = settings.HRSUITE_PRIVACY_DEADLINE_DAYS
    parts = (region or "").upper().split("-")
    for end in range(len(parts), 0, -1):
        prefix = "-".join(parts[:end])
        if prefix and prefix in table:
            return table[prefix]
    return table["default"]


def deadline_for(*, region: str, received_at: datetime) -> datetime:
    return received_at + timedelta(days=deadline_days(region))


def is_overdue(request: PrivacyRequest, *, now: datetime | None = None) -> bool:
    return request.state in PrivacyRequest.OPEN_STATES and request.deadline < (now or timezone.now())


def _person(actor):
    return actor if getattr(actor, "pk", None) is not None else None


# --- Receiving ---------------------------------------------------------------------------------


@transaction.atomic
def privacy_request_submit(*, actor, kind: str, text: str = "") -> PrivacyRequest:
    """A signed-in candidate's own request, from the portal: always about themselves."""
    require(actor, "add", PrivacyRequest)
    if not has_role(actor, Role.CANDIDATE):
        raise Forbidden(gettext("Only a candidate makes a request from the portal."))
    candidate = Candidate.objects.filter(user=actor).first()
    if candidate is None:
        raise NotFound(gettext("Your account is not linked to a candidate record."))
    return _received(
        candidate=candidate, kind=kind, channel=Channel.PORTAL, text=text, received_at=None, actor=actor
    )


@transaction.atomic
def privacy_request_record(
    *, candidate: Candidate, kind: str, channel: str, text: str = "", received_at=None, actor
) -> PrivacyRequest:
    """A request a recruiter received by e-mail, phone or letter, recorded with when it came in:
    its deadline counts from then."""
    require(actor, "add", PrivacyRequest)
    if _person(actor) is not None and not actor.has_perm(global_permission(PrivacyRequest, "add")):
        # A candidate makes their own from the portal (`privacy_request_submit`).
        raise Forbidden(gettext("Only HR records a request received by e-mail, phone or letter."))
    if not restrict(Candidate.objects.filter(pk=candidate.pk), user=actor).exists():
        raise NotFound(gettext("Candidate not found."))
    if channel not in RECORDED_CHANNELS:
        message = gettext("Record a request received by e-mail, phone or letter.")
        raise ValidationFailed(message, fields={"channel": [message]})
    return _received(
        candidate=candidate, kind=kind, channel=channel, text=text, received_at=received_at, actor=actor
    )


def _received(*, candidate, kind, channel, text, received_at, actor) -> PrivacyRequest:
    now = timezone.now()
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [gettext("Choose access, correction, erasure or restriction.")]
    if kind == Kind.CORRECTION and not text:
        errors["text"] = [gettext("Say what is wrong and what it should be.")]
    if len(text) > TEXT_MAX:
        errors["text"] = [gettext("At most %(count)d characters.") % {"count": TEXT_MAX}]
    if received_at is None:
        received_at = now
    elif not isinstance(received_at, datetime) or received_at.tzinfo is None:
        errors["received_at"] = [gettext("An ISO 8601 time with its zone.")]
    elif received_at > now:
        errors["received_at"] = [gettext("It cannot have been received in the future.")]
    if errors:
        raise ValidationFailed.naming(gettext("Invalid privacy request: %(fields)s."), errors)
    request = PrivacyRequest(
        candidate=candidate,
        kind=kind,
        channel=channel,
        text=text,
        received_at=received_at,
        deadline=deadline_for(region=candidate.region, received_at=received_at),
    )
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError:
        message = gettext("A request of this kind is open already: it is being answered.")
        raise Conflict(message, fields={"kind": [message]}, code="request_open_already") from None
    # Only about a candidate the actor may make requests for (a candidate: themselves).
    if not restrict(PrivacyRequest.objects.filter(pk=request.pk), user=actor, action="add").exists():
        raise Forbidden(gettext("You may not make a request for this candidate."))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=request,
        changed_fields=["kind", "channel", "text", "received_at", "deadline"],
        detail={"kind": kind, "channel": channel},
    )
    if kind == Kind.RESTRICTION:
        restrictions.restriction_put_in_force(request=request, actor=actor)
    return request


# --- Moving ------------------------------------------------------------------------------------


def _for_change(request: PrivacyRequest, actor) -> PrivacyRequest:
    return get_for_change(PrivacyRequest.objects.select_related("candidate"), user=actor, pk=request.pk)


def _move(request: PrivacyRequest, *, event: str, actor, changes: dict, detail: dict | None = None) -> None:
    person = _person(actor)
    if person is not None:
        changes = {**changes, "handled_by": person}
    current = transition(request, table=REQUEST_TRANSITIONS, event=event, field="state", changes=changes)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=request,
        changed_fields=["state", *changes],
        detail={"event": event, "from": current, "to": request.state, "kind": request.kind, **(detail or {})},
    )


@transaction.atomic
def privacy_request_start(*, request: PrivacyRequest, actor) -> PrivacyRequest:
    """HR takes the request up; an access request's copy starts being built."""
    require(actor, "change", PrivacyRequest)
    request = _for_change(request, actor)
    _move(request, event="start", actor=actor, changes={"started_at": timezone.now()})
    if request.kind == Kind.ACCESS:
        access_bundle_order(request=request, actor=actor)
    return request


def access_bundle_order(*, request: PrivacyRequest, actor) -> AccessBundle:
    """The copy an access request is answered with, to be built in the background: a row the
    builder picks up (`privacy.services.access.access_bundles_build`, every 30 s from beat), so
    no request waits for it or for the task queue. Inside the request's transaction."""
    bundle = AccessBundle(request=request, candidate_id=request.candidate_id, due_at=timezone.now())
    bundle.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=bundle, detail={"request": str(request.pk)})
    return bundle


@transaction.atomic
def privacy_request_complete(*, request: PrivacyRequest, actor, resolution: str = "") -> PrivacyRequest:
    """The request carried out: an access request once its copy is ready (the builder completes
    it), a correction with HR's note of what was corrected (and the audit events of the changes),
    a restriction confirmed. An erasure request is completed by the erasure service alone."""
    require(actor, "change", PrivacyRequest)
    request = _for_change(request, actor)
    resolution = (resolution or "").strip()
    if len(resolution) > TEXT_MAX:
        message = gettext("At most %(count)d characters.") % {"count": TEXT_MAX}
        raise ValidationFailed(message, fields={"resolution": [message]})
    if request.kind == Kind.ERASURE:
        raise ErasureElsewhere(
            gettext(
                "An erasure request is completed when the person is erased and every system that "
                "received their data has deleted it; carry it out with the erasure instead."
            )
        )
    detail: dict = {}
    changes: dict = {"closed_at": timezone.now()}
    if request.state == State.IN_PROGRESS and request.kind == Kind.ACCESS:
        ready = AccessBundle.objects.filter(request=request, status=AccessBundle.Status.READY).exists()
        if not ready:
            message = gettext("The copy is still being prepared: the request is completed when it is ready.")
            raise Conflict(message, fields={"state": [message]}, code="copy_not_ready")
    if request.state == State.IN_PROGRESS and request.kind == Kind.CORRECTION:
        if not resolution:
            message = gettext("Say what was corrected.")
            raise ValidationFailed(message, fields={"resolution": [message]})
        made = corrections_made(request)
        if not made:
            message = gettext(
                "No change to the candidate's records is recorded since the request came in: correct "
                "them first (or refuse the request and say why)."
            )
            raise Conflict(message, fields={"resolution": [message]}, code="nothing_corrected")
        changes["changes"] = made
        detail["changes"] = [change["event"] for change in made]
    if resolution:
        # Sealed for the candidate's row by save(), under their key; the move below is then made
        # from the state read under the row's lock.
        request.resolution = resolution
        request.save(update_fields=["resolution", "updated_at"])
    _move(request, event="complete", actor=actor, changes=changes, detail=detail)
    return request


def erasure_request_done(*, request: PrivacyRequest, actor) -> PrivacyRequest:
    """The erasure service's completion of an erasure request, once its last step is done.
    Inside the caller's transaction."""
    request = _for_change(request, actor)
    _move(request, event="complete", actor=actor, changes={"closed_at": timezone.now()})
    return request


def corrections_made(request: PrivacyRequest) -> list[dict]:
    """What people changed in the candidate's records since the request came in, as the audit
    trail recorded it (event, record type, fields, when), newest first: read along the trail's
    index of the candidate's events."""
    events = (
        AuditEvent.objects.filter(
            candidate_id=request.candidate_id,
            action__in=_CORRECTING,
            at__gte=request.received_at,
            actor__isnull=False,
        )
        .exclude(target_type__startswith="privacy.")
        .newest_first()
        .values("id", "target_type", "target_id", "changed_fields", "at")[:CHANGES_NAMED]
    )
    return [
        {
            "event": event["id"],
            "target_type": event["target_type"],
            "target_id": event["target_id"],
            "fields": event["changed_fields"],
            "at": event["at"].isoformat(),
        }
        for event in events
    ]


@transaction.atomic
def privacy_request_refuse(*, request: PrivacyRequest, actor, reason: str) -> PrivacyRequest:
    """The request refused, with the reason the candidate is given; a refused restriction no longer
    holds back AI processing (unless another restriction request of theirs stands)."""
    require(actor, "change", PrivacyRequest)
    request = _for_change(request, actor)
    reason = (reason or "").strip()
    if not reason:
        message = gettext("Say why: the candidate is told.")
        raise ValidationFailed(message, fields={"reason": [message]})
    if len(reason) > TEXT_MAX:
        message = gettext("At most %(count)d characters.") % {"count": TEXT_MAX}
        raise ValidationFailed(message, fields={"reason": [message]})
    if request.kind == Kind.ERASURE and ErasureHandOff.objects.filter(request=request).exists():
        message = gettext("The person was erased already: the request is done once every step is.")
        raise Conflict(message, fields={"state": [message]}, code="erasure_carried_out")
    if (request.state, "refuse") in REQUEST_TRANSITIONS:
        # The reason first, under the row's lock: the database holds no refusal without one.
        request.refusal_reason = reason
        request.save(update_fields=["refusal_reason", "updated_at"])
    _move(request, event="refuse", actor=actor, changes={"closed_at": timezone.now()})
    if request.kind == Kind.ACCESS:
        # A copy not built yet is not built: nothing of it was read or kept.
        AccessBundle.objects.filter(request=request).exclude(status=AccessBundle.Status.READY).delete()
    if request.kind == Kind.RESTRICTION:
        restrictions.restriction_lift_for(request=request, actor=actor)
    return request
