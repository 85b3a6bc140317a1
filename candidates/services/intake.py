"""Applications from outside: the public careers page and the intake API for job boards and referral
tools, one service for both (docs/architecture.md, "Careers page and intake").

What an applicant sends is unverified: anyone may type anyone's e-mail address. So an address that
belongs to a candidate already gets a new application on that record, and nothing of the record is
changed but its newest résumé file; a second application to the same position stores nothing. The
applicant sees the same answer either way, and the address gets the same confirmation, so the form
tells no one whether an address is known.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.notices import recruiters_notify
from accounts.sign_in_limits import network_of
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Application, ApplicationIntake, Candidate, Language, Position
from candidates.notices import IntakeMessage
from candidates.services.applications import application_create
from candidates.services.candidates import NAME_LENGTH_MAX, candidate_create, email_index, normalise_email
from candidates.services.resume_files import resume_file_upload, resume_upload_check
from candidates.services.validation import check_length, raise_if_errors
from hrsuite.errors import NotFound, ValidationFailed
from hrsuite.permissions import require
from hrsuite.rate_limits import refuse_past_limits
from notifications.services.outbox import notification_key, notification_queue

logger = logging.getLogger(__name__)

# Who takes an application from the careers page; and who writes the records an API intake makes
# for its applicant (the token's user holds no right on candidates: it is checked for the intake
# scope and named on the intake's own event).
CAREERS_ACTOR = "system:careers"
API_ACTOR = "system:intake-api"

EMAIL_LENGTH_MAX = 254
PHONE_LENGTH_MAX = 40
SOURCE_DETAIL_LENGTH_MAX = 200
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,}$")
LIMIT_WINDOW = timedelta(minutes=10)

# What an applicant sends, by field; the page's form and the API take the same names.
FIELDS = ("full_name", "email", "phone", "resume", "source", "source_detail", "privacy_acknowledged")


@dataclass(frozen=True)
class Notice:
    version: str
    language: str
    title: str
    text: str
    sha256: str


# The privacy notice an applicant acknowledges is the consent notice `interviews` publishes, which
# it registers here when it starts (docs/architecture.md, "Layers"): language -> Notice.
_notice_source: list[Callable[[str], Notice]] = []


def privacy_notice_register(source: Callable[[str], Notice]) -> None:
    _notice_source[:] = [source]


def privacy_notice(language: str) -> Notice:
    """The current published notice in `language` (else English); NotFound when none is."""
    if not _notice_source:
        raise NotFound(gettext("No privacy notice is published."))
    return _notice_source[0](language)


@dataclass(frozen=True)
class IntakeReceipt:
    """What the applicant is answered: the same for a new and a known address. `outcome` is for
    the caller's logs and tests: "applied", "applied_before" or "discarded" (a filled honeypot)."""

    outcome: str
    application_id: UUID | None


def _limits(*, address: str | None, email: str) -> None:
    limits = {}
    if address:
        limits[f"address:{network_of(address)}"] = (settings.HRSUITE_INTAKE_PER_ADDRESS, LIMIT_WINDOW)
    if email:
        limits[f"email:{email_index(email)}"] = (settings.HRSUITE_INTAKE_PER_EMAIL, LIMIT_WINDOW)
    refuse_past_limits(
        "hrsuite:intake",
        limits,
        gettext("Too many applications were sent from here. Please try again in 10 minutes."),
    )


def _checked(*, data: dict, upload, language: str) -> tuple[dict, Notice]:
    """The applicant's values, tidied, and the notice they acknowledged; ValidationFailed naming
    every field in error."""
    errors: dict[str, list[str]] = {}
    values = {name: str(data.get(name) or "").strip() for name in FIELDS if name != "resume"}
    if not values["full_name"]:
        errors["full_name"] = [gettext("Give your name.")]
    else:
        check_length(values["full_name"], NAME_LENGTH_MAX, "full_name", errors)
    email = normalise_email(values["email"])
    values["email"] = email
    if not email:
        errors["email"] = [gettext("Give your e-mail address.")]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [gettext("Give an e-mail address such as name@example.com.")]
        check_length(email, EMAIL_LENGTH_MAX, "email", errors)
    if values["phone"] and not _PHONE.match(values["phone"]):
        errors["phone"] = [gettext("Digits, spaces and + ( ) - only.")]
    check_length(values["phone"], PHONE_LENGTH_MAX, "phone", errors)
    if values["source"] and values["source"] not in ApplicationIntake.Source.values:
        errors["source"] = [gettext("Choose one of the list.")]
    check_length(values["source_detail"], SOURCE_DETAIL_LENGTH_MAX, "source_detail", errors)
    notice = None
    try:
        notice = privacy_notice(language)
    except NotFound as error:
        # No application is taken without a notice to acknowledge.
        errors["privacy_acknowledged"] = [error.message]
    acknowledged = str(data.get("privacy_acknowledged") or "").lower() in ("1", "true", "on", "yes")
    if notice is not None and not acknowledged:
        errors["privacy_acknowledged"] = [gettext("Read the privacy notice and tick the box to apply.")]
    elif notice is not None and data.get("privacy_notice_version") not in ("", None, notice.version):
        errors["privacy_acknowledged"] = [
            gettext("The notice has changed: read version %(version)s and tick the box again.")
            % {"version": notice.version}
        ]
    try:
        resume_upload_check(upload, field="resume")
    except ValidationFailed as error:
        errors.update(error.fields)
    raise_if_errors(errors)
    return values, notice


def application_intake(
    *,
    position: Position,
    data: dict,
    upload,
    language: str,
    actor,
    address: str | None = None,
    honeypot: str = "",
) -> IntakeReceipt:
    """Take an application for `position` from outside.

    `data` holds FIELDS (and `privacy_notice_version`, the version the applicant was shown);
    `upload` the résumé file; `language` the one they applied in (their confirmation's). `actor`
    is CAREERS_ACTOR for the careers page, or an integration's user holding the intake scope.
    Counts against the limits of the client `address` and of the e-mail address (429 past them),
    refusals included. A filled `honeypot` (a field people never see) is answered as a success,
    logged, and nothing is stored. Bad input is one ValidationFailed naming every field; a
    position that is not open refuses (409 `position_not_open`); nothing is half-saved."""
    through_api = isinstance(actor, User)
    if through_api:
        require(actor, "submit", ApplicationIntake)
    if language not in Language.values:
        language = Language.ENGLISH
    _limits(address=address, email=str(data.get("email") or "").strip())
    if honeypot.strip():
        logger.warning(
            "Application intake: honeypot filled from %s for position %s; nothing stored.",
            network_of(address) if address else "-",
            position.pk,
        )
        return IntakeReceipt(outcome="discarded", application_id=None)
    values, notice = _checked(data=data, upload=upload, language=language)
    with transaction.atomic():
        return _take(
            position=position,
            values=values,
            upload=upload,
            language=language,
            notice=notice,
            actor=actor,
            writer=API_ACTOR if through_api else actor,
            channel=ApplicationIntake.Channel.API if through_api else ApplicationIntake.Channel.CAREERS_PAGE,
        )


def _take(*, position, values, upload, language, notice, actor, writer, channel) -> IntakeReceipt:
    candidate = _candidate_for(position=position, values=values, language=language, writer=writer)
    known = candidate.applications.filter(position=position).only("pk").first()
    if known is not None:
        # Nothing stored, nothing changed; the address gets the confirmation all the same.
        _confirm(known, candidate=candidate, language=language)
        return IntakeReceipt(outcome="applied_before", application_id=known.pk)
    application = application_create(candidate=candidate, position=position, actor=writer)
    resume_file_upload(candidate=candidate, upload=upload, actor=writer, field="resume")
    intake = ApplicationIntake(
        application=application,
        candidate=candidate,
        channel=channel,
        submitted_by=actor if isinstance(actor, User) else None,
        source=values["source"],
        source_detail=values["source_detail"],
        language=language,
        notice_version=notice.version,
        notice_sha256=notice.sha256,
        acknowledged_at=timezone.now(),
    )
    intake.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=intake,
        candidate_id=candidate.pk,
        changed_fields=["channel", "source", "source_detail", "notice_version"],
        detail={
            "application": str(application.pk),
            "channel": channel,
            "source": values["source"],
            "notice_version": notice.version,
            "notice_sha256": notice.sha256,
        },
    )
    _confirm(application, candidate=candidate, language=language)
    _recruiters_tell(application)
    return IntakeReceipt(outcome="applied", application_id=application.pk)


def _candidate_for(*, position: Position, values: dict, language: str, writer) -> Candidate:
    """The candidate of this e-mail address (by its blind index), else a new one. A known record
    keeps its data: the applicant's typed name and phone are not verified and replace nothing."""
    index = email_index(values["email"])
    existing = Candidate.objects.filter(email_index=index, erased_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        return candidate_create(
            actor=writer,
            full_name=values["full_name"],
            email=values["email"],
            phone=values["phone"],
            # Until HR learns where they are, the position's region and zone: an applicant
            # mostly lives where the position is.
            region=position.region,
            time_zone=position.time_zone,
            preferred_language=language,
            # As other sources are kept: a short code ("referral"), the applicant's words on the intake.
            source=values["source"],
        )
    except ValidationFailed:
        # The same address applied at the same moment and its record was made first.
        existing = Candidate.objects.filter(email_index=index, erased_at__isnull=True).first()
        if existing is None:
            raise
        return existing


def _confirm(application: Application, *, candidate: Candidate, language: str) -> None:
    """The applicant's confirmation, in the language they applied in: at most one a day per
    application, however often the form is sent."""
    template = IntakeMessage.APPLICATION_RECEIVED
    notification_queue(
        template=template,
        key=notification_key(template, application.pk, timezone.now().date().isoformat()),
        candidate=candidate,
        payload={"application": str(application.pk)},
        language=language,
    )


def _recruiters_tell(application: Application) -> None:
    """The position's owner is told of the new application; without an active owner, every
    recruiter."""
    template = IntakeMessage.APPLICATION_NEW
    owner = application.position.owner
    if owner is None or not owner.is_active:
        recruiters_notify(template=template, reason="intake", application=application)
        return
    notification_queue(
        template=template,
        key=notification_key(template, application.pk, "intake", owner.pk),
        recipient_user=owner,
        payload={"reason": "intake", "application": str(application.pk)},
    )
