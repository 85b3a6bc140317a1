"""Binds each request's id, client address and user agent for the audit events it causes, and
records the accesses the request was refused once it has been answered."""

import re
import uuid

from audit import context
from audit.refusals import refusals_record

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        bound = context.RequestContext(
            request_id=request_id,
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.headers.get("User-Agent", "")[:256],
        )
        token = context.bind(bound)
        try:
            response = self.get_response(request)
            refusals_record(request=request, response=response, refusals=bound.refusals)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
