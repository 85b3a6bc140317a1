"""Per-request context: the client's address behind proxies, and the signed-in user's language
and time zone; the Content-Security-Policy of every response; the API's error shape for what
Django answers itself."""

import contextlib
import ipaddress
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.response import Response

from hrsuite.views import API_PREFIX, api_error


class UserPreferencesMiddleware:
    """Pages speak the signed-in user's language and show times in their zone.

    Runs after authentication; an anonymous visitor keeps the language LocaleMiddleware chose
    (their cookie or browser) and sees times in UTC with the zone named.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
            timezone.activate(ZoneInfo(user.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class TrustedProxyMiddleware:
    """Behind reverse proxies, REMOTE_ADDR becomes the client's own address.

    With `HRSUITE_TRUSTED_PROXIES = N`, the N proxies in front each append the address they were
    reached from to X-Forwarded-For, so the client is the N-th entry from the end; anything before
    it is what the client claimed and is ignored. Audit events, consent records and rate limits all
    read REMOTE_ADDR. With 0 (the default: nothing in front) the header is not trusted at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.HRSUITE_TRUSTED_PROXIES
        if proxies:
            hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            hops = [hop for hop in hops if hop]
            if len(hops) >= proxies:
                # A proxy that wrote no address leaves the proxy's own in place.
                with contextlib.suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hops[-proxies]))
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends the policy of `SECURE_CSP` with every response: pages, API, docs, admin, static files
    and error pages alike. A response that set its own policy keeps it.

    Ours, not a library: the policy is one fixed header (no nonces, nothing per request), and
    Django 6 brings the same setting and middleware, which can then replace this class.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = "; ".join(
            " ".join([directive, *sources]) for directive, sources in settings.SECURE_CSP.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class ApiErrorShapeMiddleware:
    """Every answer under /api/ is JSON, errors included, and no query holds a NUL character.

    Django answers some errors itself, around the views: an unknown path, a body it will not read,
    a crash. With DEBUG on (`make run`) those answers are its debug pages, which show code and
    settings to whoever called; without, its HTML error pages. Outermost, this middleware turns
    any such answer on an API path into the API's error shape (DRF's own answers are left as they
    are: they are JSON, or the browsable API a person asked for).

    A NUL character in the query is refused before any view runs, on every path: no parameter
    can hold one, and PostgreSQL cannot even compare with one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith(API_PREFIX)
        try:
            refused = [key for key, values in request.GET.lists() if "\x00" in key + "".join(values)]
        except SuspiciousOperation:
            if not is_api:
                raise
            return api_error(400)
        if refused:
            if not is_api:
                raise BadRequest("A NUL character in the query.")
            message = gettext("Text cannot hold a NUL character.")
            return api_error(400, fields={key.replace("\x00", "") or "query": [message] for key in refused})
        response = self.get_response(request)
        if is_api and response.status_code >= 400 and not isinstance(response, (Response, JsonResponse)):
            return api_error(response.status_code)
        return response
