"""Refused accesses in the audit trail, without letting one client flood it.

The permission choke point notes what it refused (`context.note_refused`: an object answered as
missing, 404, or an act forbidden, 403); the request middleware records the notes once the
response is made, outside the request's transaction, which its error rolls back. A 403 to a
signed-in user that the choke point did not note (a role's page, a write the API's permission
check refused) is recorded by its path alone.

Every event appends to the hash chain under one lock, and HR reads the trail for who tried to see
whom: a client probing ids by the thousand must cost neither. So each actor and address gets
HRSUITE_REFUSED_ACCESS_EVENTS refused requests recorded per minute; the next one is recorded as
one event saying the limit was reached, and the rest of that minute only counted, in the cache.
The trail then holds who probed, from where, what they asked first, and that they went on.
"""

from datetime import timedelta

from django.conf import settings

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite.rate_limits import count_in_window

WINDOW = timedelta(minutes=1)


def refusals_record(*, request, response, refusals: list[dict]) -> int:
    """Record the refusals of one answered request (see the module); returns the events written."""
    status = response.status_code
    if status not in (403, 404):
        return 0
    user = getattr(request, "user", None)
    if not refusals and status == 403 and getattr(user, "pk", None) is not None:
        refusals = [{"actor": user, "target_type": "", "target_id": "", "action": ""}]
    if not refusals:
        return 0
    actor = refusals[0]["actor"]
    address = request.META.get("REMOTE_ADDR") or ""
    limit = settings.HRSUITE_REFUSED_ACCESS_EVENTS
    count = count_in_window(f"audit:refused:{actor.pk}:{address}", window=WINDOW)
    if count > limit + 1:
        return 0
    where = {"path": request.path[:500], "method": request.method, "status": status}
    if count == limit + 1:
        audit_record(
            actor=actor,
            action=AuditAction.ACCESS_REFUSED,
            detail={
                **where,
                "limit_reached": True,
                "limit": limit,
                "window_seconds": int(WINDOW.total_seconds()),
            },
        )
        return 1
    for refusal in refusals:
        audit_record(
            actor=refusal["actor"],
            action=AuditAction.ACCESS_REFUSED,
            target_type=refusal["target_type"],
            target_id=refusal["target_id"][:64],
            detail={**where, "action": refusal["action"]},
        )
    return len(refusals)
