"""The provider webhooks: signed by the provider, no user."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews.services.webhooks import webhook_receive


class WebhookOut(serializers.Serializer):
    duplicate = serializers.BooleanField()
    event_id = serializers.CharField()
    interview = serializers.UUIDField(required=False)
    status = serializers.CharField(required=False)


class WebhookApi(APIView):
    """A provider reports started, technical issue, no-show or completed (with the AI assessment).

    Authenticated by its HMAC-SHA256 signature alone (X-Hrsuite-Timestamp, X-Hrsuite-Signature over
    "<timestamp>." + body, 5 minutes either way), so no session or token, and no CSRF check: no
    cookie authenticates it. A repeated event id answers 200 with `duplicate: true` and changes
    nothing; anything refused answers 4xx and stores nothing.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = WebhookOut

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: WebhookOut}, auth=[])
    def post(self, request, provider: str):
        # The raw bytes: the signature covers them exactly as sent.
        outcome = webhook_receive(provider_name=provider, headers=request.headers, body=request.body)
        return Response(outcome.as_json(), status=status.HTTP_200_OK)
