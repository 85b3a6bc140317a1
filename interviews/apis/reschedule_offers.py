"""API for the candidate's reschedule link, /api/reschedule/<token>/: public; the token in the
candidate's link is the credential."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hrsuite.api import validated
from interviews.services import candidate_links, incidents


class OfferOut(serializers.Serializer):
    kind = serializers.CharField()
    slots = serializers.ListField(child=serializers.DateTimeField())
    expires_at = serializers.DateTimeField()
    candidate_time_zone = serializers.CharField()


class OfferChoiceIn(serializers.Serializer):
    slot = serializers.DateTimeField()


class OfferChosenOut(serializers.Serializer):
    interview = serializers.UUIDField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    join_url = serializers.CharField()


class RescheduleOfferApi(APIView):
    """GET lists the offered slots; POST {"slot": ...} chooses one. No sign-in: whoever holds
    the link's token may choose, once, until it expires (unknown 404, used 409, expired 410)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=OfferOut)
    def get(self, request, token: str):
        # The same audited read as the candidate's page.
        offer = candidate_links.reschedule_page_read(token=token)
        return Response(
            OfferOut(
                {
                    "kind": offer.kind,
                    "slots": offer.slots,
                    "expires_at": offer.expires_at,
                    "candidate_time_zone": offer.interview.candidate_time_zone,
                }
            ).data
        )

    @extend_schema(request=OfferChoiceIn, responses={201: OfferChosenOut})
    def post(self, request, token: str):
        data = validated(OfferChoiceIn, request.data)
        interview = incidents.reschedule_offer_choose(
            token=token,
            slot=data["slot"],
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(
            OfferChosenOut(
                {
                    "interview": interview.pk,
                    "kind": interview.kind,
                    "starts_at": interview.starts_at,
                    "join_url": interview.join_url,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )
