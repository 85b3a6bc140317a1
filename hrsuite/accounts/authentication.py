"""API sign-in by token, answered in the caller's language (kept apart from `hrsuite.rest`: DRF
imports authentication classes while `rest_framework.views` is still loading)."""

from django.utils import translation
from rest_framework.authentication import TokenAuthentication


class UserLanguageTokenAuthentication(TokenAuthentication):
    """`UserPreferencesMiddleware` sees only session sign-ins: DRF reads the token after the
    middleware has run, so a script's refusals would come in the browser's (or the default)
    language. Once the token names the user, their language is activated for the rest of the
    request; their time zone is not, so the API's times stay as they were."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            language = result[0].preferred_language
            translation.activate(language)
            request._request.LANGUAGE_CODE = language
        return result
