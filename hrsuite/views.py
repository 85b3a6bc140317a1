"""JSON errors for API paths Django answers itself; other paths get Django's error pages."""

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        body = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)


def failure(request):
    if request.path.startswith("/api/"):
        body = {"error": {"code": "server_error", "message": "Server error.", "fields": {}}}
        return JsonResponse(body, status=500)
    return server_error(request)
