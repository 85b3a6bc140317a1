"""Per-request context: the client's address behind proxies, and the signed-in user's language
and time zone; the Content-Security-Policy of every response."""

import contextlib
import ipaddress
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation


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
