"""API sign-in by token, answered in the caller's language (kept apart from `hrsuite.rest`: DRF
imports authentication classes while `rest_framework.views` is still loading)."""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiToken, api_token_digest


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>`: the secret's digest names an `ApiToken`, which must be
    neither expired nor revoked, and its user active.

    `UserPreferencesMiddleware` sees only session sign-ins: DRF reads the token after the
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

    def authenticate_credentials(self, key):
        from accounts.services import api_token_used

        token = ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at <= timezone.now():
            raise AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        api_token_used(token)
        return token.user, token
