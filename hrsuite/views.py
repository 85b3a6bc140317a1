"""Error answers Django makes itself: JSON for API paths, our error pages for the rest.

Error pages are never cached: for a signed-in user they carry their name in the header, and a
shared proxy must not hand one person's page to another.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found, permission_denied, server_error

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
    if request.path.startswith(API_PREFIX):
        return api_error(500)
    return server_error(request)
