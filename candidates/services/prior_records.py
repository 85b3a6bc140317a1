"""Every write to prior records."""

from django.db import transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import (
    Candidate,
    PriorRecord,
)
from hrsuite.errors import ValidationFailed
from hrsuite.permissions import require


@transaction.atomic
def prior_record_create(*, candidate: Candidate, actor, **data) -> PriorRecord:
    require(actor, "add", PriorRecord)
    record = PriorRecord(candidate=candidate, **data)
    if record.period_end and record.period_end < record.period_start:
        raise ValidationFailed(
            gettext("The period ends before it starts."),
            fields={"period_end": [gettext("Ends before it starts.")]},
        )
    record.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, target=record, changed_fields=data.keys())
    return record
