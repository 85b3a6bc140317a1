"""Who is asking and from where: set per request (or per task) and read by the audit trail."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext(request_id=f"sys-{uuid.uuid4().hex[:16]}")


def bind(context: RequestContext):
    return _current.set(context)


def unbind(token) -> None:
    _current.reset(token)
