"""API settings hooks (referenced from REST_FRAMEWORK): pagination and the one JSON error shape."""

import logging
from functools import partial
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hrsuite.errors import ApplicationError
from hrsuite.pages import KeysFirstPaginator
from hrsuite.tallies import tallied_count


def _list_paginator(object_list, per_page, *, count: int | None, keys) -> Paginator:
    """A paginator of `object_list`, or of its `keys` (flat) first (`KeysFirstPaginator`), told how many
    rows the list has where that is known cheaper than by a COUNT."""
    if keys is None:
        paginator = Paginator(object_list, per_page)
    else:
        paginator = KeysFirstPaginator(keys, per_page, rows=object_list, key=None)
    if count is not None:
        paginator.count = count
    return paginator


class Pagination(PageNumberPagination):
    """Pages by number. A view whose list can be counted without a COUNT over it gives
    `list_count(user=, filters=)` (None where it cannot), as `list_selector` is given; a whole
    tallied table is counted from its tallies (`hrsuite.tallies`). One whose
    list's keys can be paged from an index alone gives `list_keys(user=, filters=)` (the keys in
    the list's order, or None), and then only the page's rows are read."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        list_count, list_keys = getattr(view, "list_count", None), getattr(view, "list_keys", None)
        count = list_count(user=request.user, filters=request.query_params) if list_count else None
        if count is None:
            count = tallied_count(queryset)
        keys = list_keys(user=request.user, filters=request.query_params) if list_keys else None
        self.django_paginator_class = partial(_list_paginator, count=count, keys=keys)
        return super().paginate_queryset(queryset, request, view)


def _error(status_code: int, code: str, message: str, fields: dict | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return Response(body, status=status_code)


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(name): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            if not isinstance(msgs, dict)
            else [f"{k}: {v}" for k, v in _field_errors(msgs).items()]
            for name, msgs in detail.items()
        }
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


# The code and message of an error known by its status alone: Django's own refusals, answered
# before or after a view (hrsuite.views, hrsuite.middleware.ApiErrorShapeMiddleware).
_STATUS_ERRORS = {
    400: ("bad_request", gettext_lazy("The request cannot be read.")),
    403: ("permission_denied", gettext_lazy("You do not have permission to perform this action.")),
    404: ("not_found", "Not found."),
    413: ("request_too_large", gettext_lazy("The request body is larger than this server accepts.")),
    500: ("server_error", "Server error."),
    # PostgreSQL out of reach (hrsuite.views.unavailable): the client may retry after Retry-After.
    503: (
        "service_unavailable",
        gettext_lazy("The service is unavailable for a moment. Please try again in a few seconds."),
    ),
}


def status_error(status_code: int) -> tuple[str, str]:
    code, message = _STATUS_ERRORS.get(status_code, ("error", HTTPStatus(status_code).phrase + "."))
    return code, str(message)


def suspicious_request_error(exc: SuspiciousOperation) -> Response:
    """A body past Django's limits (size, number of fields or files), or another request Django
    finds suspicious: a 4xx in the error shape, logged where Django logs it."""
    logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
    status_code = 413 if isinstance(exc, RequestDataTooBig) else 400
    return _error(status_code, *status_error(status_code))


def exception_handler(exc, context):
    """Every 4xx has the shape {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, ApplicationError):
        return _error(exc.status_code, exc.code, exc.message, exc.fields)
    if isinstance(exc, SuspiciousOperation):
        # Django refuses these bodies itself (and answers them with its HTML page).
        return suspicious_request_error(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        names = ", ".join(sorted(fields))
        message = gettext("Invalid input: %(fields)s.") % {"fields": names}
        return _error(status.HTTP_400_BAD_REQUEST, "invalid", message, fields)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    error = _error(response.status_code, str(code), str(message))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            error[header] = response[header]
    return error
