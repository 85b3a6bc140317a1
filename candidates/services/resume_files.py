"""Résumé files: taking one for a candidate, reading its text in the background into the résumé
interviewers read, and handing its content out (docs/architecture.md, "Résumé files").

An upload is checked by its content and stored encrypted in the request; its text is read by a
worker (`resume_texts_extract`, started by beat), so a request never waits on a parser, and a
hostile file is parsed where a crash or a hang costs no one's page. A file whose text cannot be read
is kept all the same, and says why.
"""

import base64
import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from candidates import resume_text
from candidates.models import Candidate, ResumeFile
from candidates.services.candidates import candidate_update
from hrsuite import queue
from hrsuite.errors import ValidationFailed
from hrsuite.fields import is_erased
from hrsuite.permissions import get_for_change, require

logger = logging.getLogger(__name__)

Status = ResumeFile.Status
QUEUE = queue.ClaimQueue(
    model=ResumeFile, pending=Status.PENDING, sending=Status.READING, due_field="next_attempt_at"
)
SYSTEM_ACTOR = "system:resume-files"
# A claim outlives a worker's longest task (CELERY_TASK_TIME_LIMIT, 300 s): a file is taken back
# only from a reader that is gone, never from one still parsing.
CLAIM_TIMEOUT_SECONDS = 360
RENEW_EVERY = timedelta(seconds=60)
# A file whose reading failed this many times (its worker killed while parsing it, say) is given
# up: kept, without text, rather than handed to the next worker again.
MAX_ATTEMPTS = 3
RETRY_BASE_SECONDS = 30
BATCH_SIZE = 5


def max_bytes() -> int:
    """The largest résumé file taken: the résumé's own cap, or the upload cap if that is smaller."""
    return min(settings.HRSUITE_RESUME_MAX_BYTES, settings.HRSUITE_UPLOAD_MAX_BYTES)


def _refused(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        gettext("Invalid upload: %(field)s.") % {"field": field}, fields={field: [message]}, code=code
    )


def _checked(content: bytes, *, filename: str, declared: str, field: str) -> resume_text.FileType:
    """The file's type, found in its content; ValidationFailed naming `field` for anything else."""
    limit = max_bytes()
    if not content:
        raise _refused(field, "upload_empty", gettext("The file is empty."))
    if len(content) > limit:
        message = gettext("At most %(size)s MB.") % {"size": limit // (1024 * 1024)}
        raise _refused(field, "upload_too_large", message)
    try:
        kind = resume_text.file_type(content)
    except resume_text.ArchiveTooLarge:
        message = gettext(
            "This DOCX file unpacks to more than %(size)s MB or holds more than %(count)s parts: "
            "save it again from your word processor, or send a PDF."
        ) % {
            "size": settings.HRSUITE_RESUME_DOCX_UNPACKED_MAX_BYTES // (1024 * 1024),
            "count": settings.HRSUITE_RESUME_DOCX_ENTRIES_MAX,
        }
        raise _refused(field, "upload_unpacks_too_large", message) from None
    claimed = resume_text.named_types(filename, declared)
    if kind is not None and (not claimed or kind in claimed):
        return kind
    if claimed:
        # Named or declared as a PDF, say, but it is not one: stored as what it is, it would
        # surprise whoever opens it; refused instead.
        label = sorted(claimed, key=lambda t: t.label)[0].label
        raise _refused(
            field, "upload_content_mismatch", gettext("The file is not a %(type)s file.") % {"type": label}
        )
    raise _refused(field, "upload_type_not_allowed", gettext("A PDF or DOCX file."))


def resume_upload_check(upload, *, field: str = "file") -> None:
    """The checks `resume_file_upload` makes of a file, without storing it, for a form that names
    every field in error at once; the file is read again from its start afterwards."""
    if upload is None:
        raise _refused(field, "upload_empty", gettext("Choose a PDF or DOCX file."))
    content = upload.read(max_bytes() + 1)
    upload.seek(0)
    _checked(
        content,
        filename=upload.name or "",
        declared=getattr(upload, "content_type", "") or "",
        field=field,
    )


def display_name(filename: str) -> str:
    """The sender's file name as shown: no folders, no control characters, 200 characters at most."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:200]


@transaction.atomic
def resume_file_upload(*, candidate: Candidate, upload, actor, field: str = "file") -> ResumeFile:
    """Store `upload` (an uploaded file: `name`, `content_type`, `read()`) as the candidate's
    current résumé file, encrypted under their key; its text is read in the background and then
    becomes their `resume_text`.

    `actor` is who uploads it: a recruiter (held to their permissions), or the label of the system
    that took it for the candidate (an intake form, "system:..."). Refusals are ValidationFailed
    naming `field`: no file, empty, over the cap, not a PDF or DOCX by its content, a name that
    says one type over content of another, a DOCX that would unpack past its caps. Beyond the
    HRSUITE_RESUME_FILES_KEPT newest, the oldest file is removed."""
    require(actor, "add", ResumeFile)
    if upload is None:
        raise _refused(field, "upload_empty", gettext("Choose a PDF or DOCX file."))
    # One byte past the cap at most: an oversize file is refused without holding it all.
    content = upload.read(max_bytes() + 1)
    filename, declared = upload.name or "", getattr(upload, "content_type", "") or ""
    kind = _checked(content, filename=filename, declared=declared, field=field)
    # Locked, so that two uploads for one candidate keep their history in order.
    candidate = get_for_change(Candidate.objects.only("pk"), user=actor, pk=candidate.pk, action="view")
    now = timezone.now()
    file = ResumeFile(
        candidate=candidate,
        original_filename=display_name(filename),
        content_type=kind.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_base64=base64.b64encode(content).decode("ascii"),
        uploaded_by=actor if isinstance(actor, get_user_model()) else None,
        next_attempt_at=now,
    )
    file.save(force_insert=True)
    # Never the file's name, text or hash: the trail holds no personal data.
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=file,
        candidate_id=candidate.pk,
        changed_fields=["content_base64", "original_filename", "content_type", "size", "sha256"],
        detail={"size": len(content), "content_type": kind.content_type},
    )
    _keep_newest(candidate, actor=actor)
    return file


def _keep_newest(candidate: Candidate, *, actor) -> None:
    """The oldest files past HRSUITE_RESUME_FILES_KEPT go, each with its `delete` event."""
    newest_first = ResumeFile.objects.filter(candidate=candidate).order_by("-created_at", "-id")
    older = list(newest_first.values_list("pk", flat=True)[settings.HRSUITE_RESUME_FILES_KEPT :])
    if not older:
        return
    ResumeFile.objects.filter(pk__in=older).delete()
    for pk in older:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            target_type=ResumeFile._meta.label_lower,
            target_id=str(pk),
            candidate_id=candidate.pk,
            detail={"reason": "superseded"},
        )


def resume_file_content(file: ResumeFile, *, actor) -> bytes:
    """A file's bytes for someone who may see it (found through `restrict()`): each is an
    `export` event in the audit trail, in the caller's transaction."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        target=file,
        candidate_id=file.candidate_id,
        detail={"size": file.size, "content_type": file.content_type},
    )
    return base64.b64decode(file.content_base64)


# --- Reading the text, in the background -------------------------------------------------------------


@dataclass
class ExtractResult:
    extracted: int = 0
    no_text: int = 0
    retried: int = 0
    reclaimed: int = 0


def resume_texts_extract(*, batch_size: int = BATCH_SIZE, seconds: float | None = None) -> ExtractResult:
    """Read the text of the files waiting for it, batch after batch, until none waits (or `seconds`
    passed: the rest is the next beat's). Safe to run in several workers at once: each file is
    claimed by one of them."""
    deadline = None if seconds is None else time.monotonic() + seconds
    result = ExtractResult(reclaimed=_reclaim_stale())
    while deadline is None or time.monotonic() < deadline:
        claim = QUEUE.claim_batch(batch_size=batch_size, now=timezone.now(), renew_every=RENEW_EVERY)
        if not claim:
            break
        for file in claim:
            if claim.holds(file, now=timezone.now()):
                _read(file, claim, result)
    return result


def _reclaim_stale() -> int:
    """Files left 'reading' by a worker that died: back in the queue, or given up on (kept,
    without text) after MAX_ATTEMPTS, so a file that kills its reader is not handed on forever."""
    now = timezone.now()
    stale = QUEUE.stale(now=now, timeout_seconds=CLAIM_TIMEOUT_SECONDS)
    given_up = list(stale.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", "candidate_id"))
    with transaction.atomic():
        for pk, candidate_id in given_up:
            changed = stale.filter(pk=pk).update(
                status=Status.NO_TEXT, problem=ResumeFile.Problem.DAMAGED, claimed_at=None, extracted_at=now
            )
            if changed:
                _record_reading(pk, candidate_id, status=Status.NO_TEXT, problem=ResumeFile.Problem.DAMAGED)
    return QUEUE.release(stale.filter(attempts__lt=MAX_ATTEMPTS), now=now) + len(given_up)


def _read(file: ResumeFile, claim: queue.Claim, result: ExtractResult) -> None:
    content = file.content_base64
    # The candidate was erased after the upload: nothing is left to read, nor anyone to read it for.
    reading = (
        resume_text.Reading("", ResumeFile.Problem.DAMAGED)
        if is_erased(content)
        else resume_text.text_of(base64.b64decode(content), file.content_type)
    )
    try:
        with transaction.atomic():
            _finish(file, claim, reading)
    except Exception:
        logger.exception("Résumé file %s: its text could not be stored", file.pk)
        _retry_or_give_up(file, claim, result)
        return
    if reading.text:
        result.extracted += 1
    else:
        result.no_text += 1


def _finish(file: ResumeFile, claim: queue.Claim, reading: resume_text.Reading) -> None:
    """The file's outcome, and its text as the candidate's résumé when it is still their newest
    file (an older file read late never replaces a newer one's text); all or nothing."""
    status = Status.EXTRACTED if reading.text else Status.NO_TEXT
    now = timezone.now()
    changes = {"status": status, "problem": reading.problem, "claimed_at": None, "extracted_at": now}
    if not claim.finish(file, now=now, **changes):
        return  # the claim lapsed: another reader has it now
    newest = not ResumeFile.objects.filter(
        candidate_id=file.candidate_id, created_at__gt=file.created_at
    ).exists()
    if reading.text and newest:
        candidate = Candidate(pk=file.candidate_id)
        candidate_update(candidate=candidate, actor=SYSTEM_ACTOR, resume_text=reading.text)
    _record_reading(
        file.pk,
        file.candidate_id,
        status=status,
        problem=reading.problem,
        detail={"pages": reading.pages, "characters": len(reading.text), "resume_text": reading.text != ""},
    )


def _record_reading(pk, candidate_id, *, status: str, problem: str, detail: dict | None = None) -> None:
    audit_record(
        actor=SYSTEM_ACTOR,
        action=AuditAction.UPDATE,
        target_type=ResumeFile._meta.label_lower,
        target_id=str(pk),
        candidate_id=candidate_id,
        changed_fields=["status", "problem", "extracted_at"],
        detail={"status": status, "problem": problem, **(detail or {})},
    )


def _retry_or_give_up(file: ResumeFile, claim: queue.Claim, result: ExtractResult) -> None:
    now = timezone.now()
    if file.attempts < MAX_ATTEMPTS:
        wait = queue.backoff(file.attempts, base_seconds=RETRY_BASE_SECONDS)
        claim.finish(file, now=now, status=Status.PENDING, claimed_at=None, next_attempt_at=now + wait)
        result.retried += 1
        return
    damaged = ResumeFile.Problem.DAMAGED
    with transaction.atomic():
        if claim.finish(
            file, now=now, status=Status.NO_TEXT, problem=damaged, claimed_at=None, extracted_at=now
        ):
            _record_reading(file.pk, file.candidate_id, status=Status.NO_TEXT, problem=damaged)
    result.no_text += 1
