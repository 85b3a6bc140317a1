"""Error answers Django makes itself: JSON for API paths, our error pages for the rest.

Error pages are never cached: for a signed-in user they carry their name in the header, and a
shared proxy must not hand one person's page to another.
"""

import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found, permission_denied, server_error

from hrsuite.degraded import cache_unreachable, database_unreachable, outage_warn
from hrsuite.rest import status_error

API_PREFIX = "/api/"


def api_error(status: int, *, fields: dict | None = None) -> JsonResponse:
    """The API's error shape for an answer no view of ours wrote."""
    code, message = status_error(status)
    return JsonResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)


@never_cache
def not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return api_error(404)
    return page_not_found(request, exception)


@never_cache
def forbidden(request, exception=None):
    return permission_denied(request, exception)


@never_cache
def failure(request):
    """Django calls this for every exception nothing else answered, wherever it was raised: a
    middleware (the session and user lookup), the request's transaction, a view, the audit
    middleware's records. An unreachable database or cache is an outage, answered 503; anything
    else is a bug, a 500 that Django logs with its traceback."""
    error = sys.exc_info()[1]
    if database_unreachable(error):
        return unavailable(request, service="PostgreSQL", error=error)
    if cache_unreachable(error):
        return unavailable(request, service="Redis", error=error)
    if request.path.startswith(API_PREFIX):
        return api_error(500)
    return server_error(request)


def unavailable(request, *, service: str, error: BaseException) -> HttpResponse:
    """503 with Retry-After (docs/architecture.md, "Degraded modes"). The page is rendered
    without the request, so no context processor looks up the session or the user in the
    database that is gone; it is in the language LocaleMiddleware chose from the browser."""
    outage_warn(service, error, fallback="answering 503")
    if request.path.startswith(API_PREFIX):
        response = api_error(503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.HRSUITE_RETRY_AFTER_SECONDS)
    # Django logs what this handler answers as a server error with its traceback, once a request;
    # the outage has had its warning.
    response._has_been_logged = True
    return response
