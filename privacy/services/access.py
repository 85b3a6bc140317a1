"""The copy of a candidate's data that answers their access request: built in the background,
sealed under their own key, e-mailed as an expiring signed link and downloadable from the portal
while it lasts (docs/architecture.md, "Privacy requests").

Starting an access request leaves a pending `AccessBundle` row (`privacy.services.requests`).
Beat's `privacy-copies-build` (every 30 s) builds the pending ones, each in one transaction of
its own under the row's lock: the copy read (`privacy.copies`), its JSON and HTML sealed into the
row, one `export` event in the audit trail, the request completed and the candidate's e-mail
queued, all or nothing; a failed attempt is retried with back-off, and after MAX_ATTEMPTS left
for HR to start again. After HRSUITE_PRIVACY_COPY_DAYS the content is deleted.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite import queue
from hrsuite.errors import Conflict, Forbidden, NotFound
from hrsuite.formatting import format_time, zone_or_utc
from hrsuite.links import (
    LinkClosed,
    SignedLink,
    link_actor,
    link_address,
    link_resolve,
    link_sign,
    payload_uuid,
)
from hrsuite.permissions import LinkActor, get_for_change, has_role, require, restrict
from hrsuite.roles import Role
from notifications.services.outbox import notification_key, notification_queue
from privacy import copies
from privacy.models import AccessBundle, PrivacyRequest
from privacy.notices import PrivacyMessage
from privacy.services import requests as request_services

logger = logging.getLogger(__name__)

BUILDER = "system:privacy"
# Attempts before a copy is left for HR (Failed), the first retry a minute after a failure.
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60
# Copies built, and expired copies emptied, per run: a run stays well inside its time limit.
PER_RUN = 20
ACCESS_COPY_LINK = "access_copy"
_LINK_SALT = "hrsuite.privacy.access-copy"
Status = AccessBundle.Status


class CopyUnavailable(LinkClosed):
    """The copy is no longer there to download (410): it expired and its content was deleted."""

    code = "link_expired"


def copy_link() -> SignedLink:
    """The e-mailed link to a copy: valid as long as the copy is (HRSUITE_PRIVACY_COPY_DAYS)."""
    return SignedLink(
        salt=_LINK_SALT, max_age=timedelta(days=settings.HRSUITE_PRIVACY_COPY_DAYS), page="access-copy"
    )


# --- Building ----------------------------------------------------------------------------------


def access_bundles_build(*, now: datetime | None = None) -> int:
    """Beat's run: builds the copies due, oldest first, each in its own transaction; then empties
    the copies past their time. Returns how many were built."""
    built = 0
    for _ in range(PER_RUN):
        outcome = _build_next(now or timezone.now())
        if outcome is None:
            break
        built += outcome
    access_bundles_expire(now=now)
    return built


def _build_next(now: datetime) -> int | None:
    """Builds the first due copy (1), or records its failed attempt (0); None when none is due.
    A copy another run is building is skipped (its row is locked)."""
    picked = None
    try:
        with transaction.atomic():
            picked = (
                AccessBundle.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("request", "candidate__user")
                .filter(
                    status=Status.PENDING, due_at__lte=now, request__state=PrivacyRequest.State.IN_PROGRESS
                )
                .order_by("due_at", "pk")
                .first()
            )
            if picked is None:
                return None
            access_bundle_build(bundle=picked, now=now)
    except Exception as error:
        if picked is None:
            raise
        # Whatever went wrong, the transaction left nothing of the attempt; the trace goes to the
        # log, the row says which error it was (its text may hold personal data).
        logger.exception("building the copy %s failed", picked.pk)
        _attempt_failed(picked, error=error, now=now)
        return 0
    return 1


def access_bundle_build(*, bundle: AccessBundle, now: datetime) -> AccessBundle:
    """Reads everything held about the candidate, seals it into the row, records the export,
    completes the request and queues the candidate's e-mail. Inside the caller's transaction,
    with the row locked."""
    candidate = bundle.candidate
    language = candidate.preferred_language
    zone = zone_or_utc(candidate.time_zone)
    with translation.override(language), timezone.override(zone):
        copy = copies.person_copy(
            candidate=candidate, request=bundle.request, zone=zone, language=language, now=now
        )
        html = render_to_string(
            "candidate_portal/access_copy.html",
            {
                "name": candidate.full_name,
                "sections": copy.sections,
                "prepared": format_time(now, zone=zone, language=language),
                "language": language,
            },
            using="pages",
        )
    bundle.content_json, bundle.content_html = copy.as_json(), html
    bundle.status, bundle.built_at = Status.READY, now
    bundle.expires_at = now + timedelta(days=settings.HRSUITE_PRIVACY_COPY_DAYS)
    bundle.attempts += 1
    bundle.save(
        update_fields=[
            "content_json",
            "content_html",
            "status",
            "built_at",
            "expires_at",
            "attempts",
            "updated_at",
        ]
    )
    audit_record(
        actor=BUILDER,
        action=AuditAction.EXPORT,
        target=bundle,
        changed_fields=["content_json", "content_html"],
        detail={"request": str(bundle.request_id), "records": copy.counts},
    )
    request_services.privacy_request_complete(request=bundle.request, actor=BUILDER)
    notification_queue(
        template=PrivacyMessage.ACCESS_COPY_READY,
        key=notification_key(PrivacyMessage.ACCESS_COPY_READY, bundle.pk),
        candidate=candidate,
        payload={"bundle": str(bundle.pk), "request": str(bundle.request_id)},
    )
    return bundle


def _attempt_failed(bundle: AccessBundle, *, error: Exception, now: datetime) -> None:
    attempts = bundle.attempts + 1
    changes = {
        "attempts": F("attempts") + 1,
        "last_error": type(error).__name__[:500],
        "due_at": now + queue.backoff(attempts, base_seconds=BACKOFF_SECONDS),
        "updated_at": now,
    }
    if attempts >= MAX_ATTEMPTS:
        changes["status"] = Status.FAILED
    AccessBundle.objects.filter(pk=bundle.pk, status=Status.PENDING).update(**changes)


@transaction.atomic
def access_bundle_retry(*, request: PrivacyRequest, actor) -> AccessBundle:
    """HR starts building a copy that failed again, from its first attempt."""
    require(actor, "change", PrivacyRequest)
    request = get_for_change(PrivacyRequest.objects.all(), user=actor, pk=request.pk)
    bundle = AccessBundle.objects.select_for_update().filter(request=request).first()
    if bundle is None or bundle.status != Status.FAILED or request.state != PrivacyRequest.State.IN_PROGRESS:
        message = gettext("Only a copy whose preparation failed is prepared again.")
        raise Conflict(message, fields={"state": [message]}, code="copy_not_failed")
    AccessBundle.objects.filter(pk=bundle.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, last_error="", due_at=timezone.now(), updated_at=timezone.now()
    )
    bundle.refresh_from_db(fields=["status", "attempts", "last_error", "due_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=bundle,
        changed_fields=["status", "attempts", "due_at"],
        detail={"event": "retry", "request": str(request.pk)},
    )
    return bundle


def access_bundles_expire(*, now: datetime | None = None) -> int:
    """Copies past their time lose their content for good (their row stays, Expired, as the record
    that one was given)."""
    now = now or timezone.now()
    expired = 0
    due = AccessBundle.objects.filter(status=Status.READY, expires_at__lte=now).order_by("expires_at", "pk")
    for pk in list(due.values_list("pk", flat=True)[:PER_RUN]):
        with transaction.atomic():
            bundle = AccessBundle.objects.select_for_update().filter(pk=pk, status=Status.READY).first()
            if bundle is None:
                continue
            bundle.content_json, bundle.content_html, bundle.status = "", "", Status.EXPIRED
            bundle.save(update_fields=["content_json", "content_html", "status", "updated_at"])
            audit_record(
                actor=BUILDER,
                action=AuditAction.UPDATE,
                target=bundle,
                changed_fields=["content_json", "content_html", "status"],
                detail={"event": "expire"},
            )
            expired += 1
    return expired


# --- The e-mailed link --------------------------------------------------------------------------


def copy_token(*, bundle: AccessBundle) -> str:
    return link_sign(copy_link(), payload={"b": str(bundle.pk), "c": str(bundle.candidate_id)})


def copy_url(*, bundle: AccessBundle) -> str:
    return link_address(copy_link(), token=copy_token(bundle=bundle))


def _bundle_for(payload: dict) -> AccessBundle:
    bundle = (
        AccessBundle.objects.select_related("candidate")
        .defer("content_json", "content_html")
        .filter(pk=payload_uuid(payload, "b"))
        .first()
    )
    if bundle is None or str(bundle.candidate_id) != payload.get("c"):
        raise NotFound(gettext("This link is not valid."))
    return bundle


def copy_link_open(*, token: str) -> AccessBundle:
    """The copy a link opens (404 unknown, 410 expired, as `link_resolve`; 410 also once the copy
    itself has expired)."""
    bundle = link_resolve(
        copy_link(), token=token, resolve=_bundle_for, language_of=lambda b: b.candidate.preferred_language
    )
    _refuse_unavailable(bundle, language=bundle.candidate.preferred_language)
    return bundle


def copy_link_actor(bundle: AccessBundle) -> LinkActor:
    return link_actor(bundle.candidate_id, link=ACCESS_COPY_LINK)


def _refuse_unavailable(bundle: AccessBundle, *, language: str = "") -> None:
    if bundle.status != Status.READY or bundle.expires_at is None or bundle.expires_at <= timezone.now():
        raise CopyUnavailable(
            gettext("Your copy is no longer available: it was kept for a limited time."), language=language
        )


# --- Downloading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: str


FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "json": ("application/json; charset=utf-8", "json"),
}


def access_copy_download(*, bundle_id, actor, as_: str, via: str) -> Download:
    """The copy as a file, for the candidate themselves (signed in, or through their link) while
    it lasts; each download is an `export` event. HR does not download candidates' copies."""
    if as_ not in FORMATS:
        raise NotFound(gettext("No such format."))
    if not (isinstance(actor, LinkActor) or has_role(actor, Role.CANDIDATE)):
        raise Forbidden(gettext("Only the candidate downloads their copy."))
    bundle = restrict(AccessBundle.objects.filter(pk=bundle_id), user=actor).first()
    if bundle is None:
        raise NotFound(gettext("Copy not found."))
    _refuse_unavailable(bundle)
    content_type, extension = FORMATS[as_]
    content = bundle.content_json if as_ == "json" else bundle.content_html
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        target=bundle,
        detail={"format": as_, "via": via, "request": str(bundle.request_id)},
    )
    stamp = bundle.built_at.strftime("%Y-%m-%d")
    return Download(filename=f"my-data-{stamp}.{extension}", content_type=content_type, content=content)
