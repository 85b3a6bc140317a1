"""Token sign-in for scripts and integrations, the caller's own tokens, and who the caller is."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import selectors, services, sign_in_limits
from accounts.models import ApiToken
from audit.models import AuditAction
from audit.services import audit_record
from audit.signals import attempted_name_for_trail
from hrsuite.api import ModelOut, ScopedViewSet, validated
from hrsuite.degraded import CACHE_ERRORS, outage_warn
from hrsuite.errors import ApplicationError
from hrsuite.permissions import roles_of
from hrsuite.rate_limits import local_counts


class BadCredentials(ApplicationError):
    status_code = 400
    code = "invalid_credentials"


class TooManyAttempts(ApplicationError):
    """Refused by the sign-in limits before the password was checked. An application error, not
    DRF's Throttled: DRF rolls back the request's transaction for its own exceptions, and the
    refusal's audit event must stay."""

    status_code = 429
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class SignInThrottle(ScopedRateThrottle):
    """Counts clients as the sign-in limits do: REMOTE_ADDR as the trusted proxies name it, an
    IPv6 address as its /64 network."""

    def get_ident(self, request):
        return sign_in_limits.client_network(request)

    def allow_request(self, request, view):
        """While the cache is out of reach, counts in this process's memory, as the other rate
        limits do (`hrsuite.rate_limits`); the sign-in limits behind it count in the audit trail."""
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            outage_warn("Redis", error, fallback="the token sign-in throttle counts in each process's memory")
            self.cache = local_counts
            return super().allow_request(request, view)


class CredentialsIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    # What the token is for, so its owner can tell it apart in their list.
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ApiTokenOut(ModelOut):
    """A token as its owner lists it: never the secret, which is not kept."""

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_because",
        ]


class TokenOut(ApiTokenOut):
    """A new token: the only answer that carries its secret."""

    token = serializers.SerializerMethodField()

    class Meta(ApiTokenOut.Meta):
        fields = ["token", *ApiTokenOut.Meta.fields]

    def get_token(self, _token) -> str:
        return self.context["secret"]


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    preferred_language = serializers.CharField()
    time_zone = serializers.CharField()


class TokenApi(APIView):
    """POST user name and password, get a new API token that expires after
    HRSUITE_API_TOKEN_DAYS. The secret is in this answer only. Failures are audited and throttled."""

    serializer_class = CredentialsIn
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [SignInThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsIn, responses=TokenOut)
    def post(self, request):
        data = validated(CredentialsIn, request.data)
        refusal = sign_in_limits.refusal(request, data["username"])
        if refusal is not None:
            # Refused before the password is checked, as the sign-in page does (429, Retry-After).
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_FAILED,
                detail={"username": attempted_name_for_trail(data["username"]), "reason": refusal.reason},
            )
            raise TooManyAttempts(
                gettext(
                    "Too many failed sign-ins. Please try again later, or ask for a one-time sign-in "
                    "link by e-mail on the sign-in page."
                ),
                retry_after=refusal.retry_after,
            )
        # authenticate() sends user_login_failed, which the audit trail records.
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise BadCredentials("User name or password is wrong.")
        token, secret = services.api_token_issue(user=user, actor=user, name=data["name"])
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(TokenOut(token, context={"secret": secret}).data)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, TooManyAttempts):
            response["Retry-After"] = str(exc.retry_after)
        return response


def _own_tokens(*, user, filters=None) -> QuerySet[ApiToken]:
    return selectors.api_tokens_for(user=user)


class ApiTokenApi(ScopedViewSet):
    """The caller's own API tokens (anyone's who is signed in, HR admins' included): listed with
    their state but never their secrets; `revoke` ends one now."""

    queryset = ApiToken.objects.none()
    serializer_class = ApiTokenOut
    list_selector = staticmethod(_own_tokens)
    detail_queryset = staticmethod(_own_tokens)
    write_actions = {"revoke": "change"}

    @extend_schema(request=None, responses=ApiTokenOut)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.api_token_revoke(token=self.visible_object(), actor=request.user)
        return Response(ApiTokenOut(token).data)


class MeApi(APIView):
    serializer_class = MeOut
    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "roles": sorted(roles_of(user)),
                "preferred_language": user.preferred_language,
                "time_zone": user.time_zone,
            }
        )
