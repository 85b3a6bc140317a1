"""Token sign-in for scripts and integrations, and who the caller is."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from hrsuite.api import validated
from hrsuite.errors import ApplicationError
from hrsuite.permissions import roles_of


class BadCredentials(ApplicationError):
    status_code = 400
    code = "invalid_credentials"


class CredentialsIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenOut(serializers.Serializer):
    token = serializers.CharField()


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    preferred_language = serializers.CharField()
    time_zone = serializers.CharField()


class TokenApi(APIView):
    """POST user name and password, get an API token. Failures are audited and throttled."""

    serializer_class = CredentialsIn
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsIn, responses=TokenOut)
    def post(self, request):
        data = validated(CredentialsIn, request.data)
        # authenticate() sends user_login_failed, which the audit trail records.
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise BadCredentials("User name or password is wrong.")
        token, _ = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token.key})


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
