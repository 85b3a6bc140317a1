"""API for the texts HR sets for candidate messages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet, validated
from onboarding import selectors
from onboarding.models import CandidateMessageText
from onboarding.services import notices


class MessageTextOut(ModelOut):
    updated_by = serializers.CharField(source="updated_by.get_username", default="")

    class Meta:
        model = CandidateMessageText
        fields = ["id", "key", "language", "subject", "body", "updated_by", "updated_at"]


class MessageTextIn(serializers.Serializer):
    key = serializers.ChoiceField(choices=CandidateMessageText.Key.choices)
    language = serializers.CharField(max_length=10)
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)


class CandidateMessageTextApi(ScopedViewSet):
    """The wording HR sets for messages to candidates, per language (e.g. `offer_cancelled`);
    `{name}` and `{position}` are filled in. Posting a key and language again replaces its text."""

    queryset = CandidateMessageText.objects.none()
    serializer_class = MessageTextOut
    list_selector = staticmethod(selectors.message_text_list_for)
    detail_queryset = staticmethod(selectors.message_text_detail_queryset)

    @extend_schema(request=MessageTextIn, responses={201: MessageTextOut})
    def create(self, request):
        data = validated(MessageTextIn, request.data)
        text = notices.candidate_message_text_set(actor=request.user, **data)
        return Response(
            MessageTextOut(text, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
