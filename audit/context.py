"""Who is asking and from where: set per request (or per task) and read by the audit trail."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    user_agent: str = ""
    # What the permission choke point refused in this request, recorded once it has answered
    # (`audit.refusals`): the request's own transaction is rolled back with its error.
    refusals: list[dict] = field(default_factory=list)


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext(request_id=f"sys-{uuid.uuid4().hex[:16]}")


def note_refused(*, actor, target_type: str, target_id: str = "", action: str) -> None:
    """The choke point refused `actor` this object or act; kept for the request's trail."""
    if getattr(actor, "pk", None) is not None:
        current().refusals.append(
            {"actor": actor, "target_type": target_type, "target_id": target_id, "action": action}
        )


def bind(context: RequestContext):
    return _current.set(context)


def unbind(token) -> None:
    _current.reset(token)
