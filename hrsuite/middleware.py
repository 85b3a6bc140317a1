"""Per-user language and time zone for every request of a signed-in user."""

from zoneinfo import ZoneInfo

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
