"""The background-check providers' webhooks: signed by the provider, no user."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from onboarding.services import checks


class CheckWebhookOut(serializers.Serializer):
    duplicate = serializers.BooleanField()
    event_id = serializers.CharField()
    background_check = serializers.UUIDField(required=False)
    status = serializers.CharField(required=False)


class CheckWebhookApi(APIView):
    """A background-check provider reports started, passed, failed or inconclusive.

    Authenticated by its HMAC-SHA256 signature alone, as the interview providers' webhooks, with
    the secret named "check_<provider>". A repeated event id answers 200 with `duplicate: true` and
    changes nothing; anything refused answers 4xx and stores nothing.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = CheckWebhookOut

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: CheckWebhookOut}, auth=[])
    def post(self, request, provider: str):
        outcome = checks.check_webhook_receive(
            provider_name=provider, headers=request.headers, body=request.body
        )
        return Response(outcome.as_json(), status=status.HTTP_200_OK)
