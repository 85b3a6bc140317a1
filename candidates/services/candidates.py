"""Every write to candidates: their details, and the portal account that is theirs."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from candidates import names
from candidates.models import Candidate, CandidateNameToken
from candidates.services.validation import check_length, check_time_zone, raise_if_errors
from hrsuite import crypto
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import get_for_change, has_role, require
from hrsuite.roles import Role

EMAIL_INDEX_PURPOSE = "candidate.email"
PHONE_INDEX_PURPOSE = "candidate.phone"
# The name's column holds its ciphertext, whatever its length: this is the limit the name keeps to.
NAME_LENGTH_MAX = 200


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_index(email: str) -> str:
    return crypto.blind_index(normalise_email(email), purpose=EMAIL_INDEX_PURPOSE)


def normalise_phone(phone: str) -> str:
    """A phone number as its digits alone: spaces, dashes, dots, brackets and a leading "+" go,
    and an international "00" prefix is read as "+" ("+86 138-0013 8000" and "008613800138000"
    are one number). A number written with and without its country code stays two."""
    digits = "".join(ch for ch in phone if ch.isdigit() and ch.isascii())
    return digits[2:] if digits.startswith("00") else digits


def phone_index(phone: str) -> str:
    """The blind index of a phone number, empty for none (docs/architecture.md, "Finding candidates")."""
    number = normalise_phone(phone or "")
    return crypto.blind_index(number, purpose=PHONE_INDEX_PURPOSE) if number else ""


_CANDIDATE_EDITABLE = (
    "full_name",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "region",
    "time_zone",
    "preferred_language",
    "resume_text",
    "source",
)


def _refuse_unknown_fields(data: dict) -> None:
    unknown = set(data) - set(_CANDIDATE_EDITABLE)
    if unknown:
        raise ValidationFailed(
            gettext("Unknown fields."), fields={n: [gettext("Not a candidate field.")] for n in unknown}
        )


def _check_candidate(data: dict, errors: dict) -> None:
    if "full_name" in data:
        if not data["full_name"].strip():
            errors["full_name"] = [gettext("Give the candidate's name.")]
        else:
            check_length(data["full_name"], NAME_LENGTH_MAX, "full_name", errors)
    if "time_zone" in data:
        check_time_zone(data["time_zone"], "time_zone", errors)
    if data.get("date_of_birth"):
        try:
            datetime.date.fromisoformat(data["date_of_birth"])
        except ValueError:
            errors["date_of_birth"] = [gettext("Use the form YYYY-MM-DD.")]


def _save_with_unique_email(candidate: Candidate, **save_kwargs) -> None:
    """Saves with the e-mail normalised and the blind indexes of it and of the phone set; a
    duplicate e-mail is a field error."""
    candidate.email = normalise_email(candidate.email)
    candidate.email_index = email_index(candidate.email)
    candidate.phone_index = phone_index(candidate.phone)
    try:
        with transaction.atomic():
            candidate.save(**save_kwargs)
    except IntegrityError as exc:
        message = gettext("A candidate with this e-mail address exists already.")
        raise ValidationFailed(message, fields={"email": [message]}) from exc


def _name_tokens_write(candidate: Candidate) -> None:
    """The blind index of the candidate's name tokens, as their name now reads (`candidates.names`),
    in place of any earlier name's: a renamed candidate is found by the new name, not the old."""
    CandidateNameToken.objects.filter(candidate=candidate).delete()
    CandidateNameToken.objects.bulk_create(
        CandidateNameToken(candidate=candidate, token=names.token_index(token))
        for token in sorted(names.name_tokens(candidate.full_name))
    )


@transaction.atomic
def candidate_create(*, actor, **data) -> Candidate:
    require(actor, "add", Candidate)
    _refuse_unknown_fields(data)
    errors: dict[str, list[str]] = {}
    _check_candidate(data, errors)
    if not data.get("email"):
        errors["email"] = [gettext("Give the candidate's e-mail address.")]
    raise_if_errors(errors)
    candidate = Candidate(**data)
    _save_with_unique_email(candidate, force_insert=True)
    _name_tokens_write(candidate)
    audit_record(actor=actor, action=AuditAction.CREATE, target=candidate, changed_fields=data.keys())
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, actor, **data) -> Candidate:
    _refuse_unknown_fields(data)
    candidate = get_for_change(Candidate.objects, user=actor, pk=candidate.pk)
    errors: dict[str, list[str]] = {}
    _check_candidate(data, errors)
    raise_if_errors(errors)
    changed = [name for name, value in data.items() if getattr(candidate, name) != value]
    for name in changed:
        setattr(candidate, name, data[name])
    if not changed:
        return candidate
    update_fields = [*changed, "updated_at"]
    if "email" in changed:
        update_fields.append("email_index")
    if "phone" in changed:
        update_fields.append("phone_index")
    _save_with_unique_email(candidate, update_fields=update_fields)
    if "full_name" in changed:
        _name_tokens_write(candidate)
    audit_record(actor=actor, action=AuditAction.UPDATE, target=candidate, changed_fields=changed)
    return candidate


@transaction.atomic
def candidate_portal_link(*, candidate: Candidate, user, actor) -> Candidate:
    """Gives a candidate's portal account access to their own records (and nothing else)."""
    candidate = get_for_change(Candidate.objects, user=actor, pk=candidate.pk)
    if not has_role(user, Role.CANDIDATE):
        raise ValidationFailed(
            gettext("Only candidate accounts can be linked."),
            fields={"user": [gettext("Not a candidate account.")]},
        )
    if Candidate.objects.filter(user=user).exclude(pk=candidate.pk).exists():
        raise ValidationFailed(
            gettext("The account belongs to another candidate."),
            fields={"user": [gettext("Linked elsewhere.")]},
        )
    candidate.user = user
    candidate.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PERMISSION_GRANT,
        target=candidate,
        changed_fields=["user"],
        detail={"user": user.get_username(), "permission": "portal"},
    )
    return candidate
