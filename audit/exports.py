"""The audit trail as CSV: one streaming export for the API and the audit trail page."""

import csv
import itertools
import json

from django.http import StreamingHttpResponse

from audit import chain, selectors
from audit.models import AuditAction, AuditEvent
from audit.personal import ERASED, personal_opened
from audit.services import audit_record

# What each event is chained over, less the internal user id (the label names the actor), and its
# hash, so an export can be matched against the trail.
COLUMNS = [*(name for name in chain.CHAINED_FIELDS if name != "actor_id"), "hash"]
FILENAME = "audit-events.csv"


def audit_csv_response(*, user, filters, query: dict) -> StreamingHttpResponse:
    """The filtered trail, newest first, streamed as CSV; the export itself is an audit event,
    written (with `query`, the filters as asked) before the first row leaves.

    Bad filters raise ValidationFailed (from the selector) before anything is written.
    """
    on_top, below = selectors.audit_trail_all(selectors.audit_trail_for(user=user, filters=filters))
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type=AuditEvent._meta.label_lower,
        detail={"query": query, "rows": len(on_top) + below.count()},
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(COLUMNS)
        for event in itertools.chain(on_top, below.iterator(chunk_size=2000)):
            yield writer.writerow([_cell(_value(event, column)) for column in COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response


def _value(event: AuditEvent, column: str):
    if column == "personal":
        # The candidate's values opened, or "erased"; never the sealed text.
        opened = personal_opened([event]).get(event.pk)
        return (
            "" if opened is None else opened if opened == ERASED else json.dumps(opened, ensure_ascii=False)
        )
    return getattr(event, column)


class _Echo:
    """A file-like object whose `write` hands the line back, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Neutralise spreadsheet formulas (CSV injection) in user-controlled text such as user agents.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
