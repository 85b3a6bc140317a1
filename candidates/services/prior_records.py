"""Every write to prior records."""

from django.db import transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Candidate, PriorRecord
from candidates.services.validation import check_length, raise_if_errors
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import require

TITLE_LENGTH_MAX = 200
RATING_LENGTH_MAX = 40


@transaction.atomic
def prior_record_create(*, candidate: Candidate, actor, **data) -> PriorRecord:
    require(actor, "add", PriorRecord)
    # Encrypted, so their columns do not hold them to a length.
    errors: dict[str, list[str]] = {}
    check_length(data.get("title") or "", TITLE_LENGTH_MAX, "title", errors)
    check_length(data.get("rating") or "", RATING_LENGTH_MAX, "rating", errors)
    raise_if_errors(errors)
    record = PriorRecord(candidate=candidate, **data)
    if record.period_end and record.period_end < record.period_start:
        raise ValidationFailed(
            gettext("The period ends before it starts."),
            fields={"period_end": [gettext("Ends before it starts.")]},
        )
    record.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=record, changed_fields=data.keys())
    return record
