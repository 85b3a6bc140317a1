"""API for accommodations: /api/accommodations/. Recruiters grant or decline a candidate's request;
HR admins read; a candidate reads their own (asking is in the portal and on the interview link's
page); an interviewer reads the granted ones of their interviews, as what they change, never why
(docs/architecture.md, "Accommodations")."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet, validated
from interviews import selectors
from interviews.models import Accommodation
from interviews.services import accommodations as services


class AccommodationInterviewerOut(ModelOut):
    """What an interviewer is told: that it applies, and what it changes."""

    effect = serializers.SerializerMethodField()

    class Meta:
        model = Accommodation
        fields = ["id", "interview", "kind", "extra_minutes", "state", "effect"]

    def get_effect(self, accommodation) -> str:
        return services.effect_label(accommodation)


class AccommodationCandidateOut(ModelOut):
    """A candidate's own request: what they asked, where it stands, and HR's answer."""

    class Meta:
        model = Accommodation
        fields = [
            "id",
            "interview",
            "kind",
            "extra_minutes",
            "words",
            "channel",
            "state",
            "requested_at",
            "answer_by",
            "decided_at",
            "answer",
        ]


class AccommodationStaffOut(AccommodationCandidateOut):
    decided_by = serializers.CharField(source="decided_by.get_username", default=None)
    overdue = serializers.SerializerMethodField()

    class Meta(AccommodationCandidateOut.Meta):
        fields = [*AccommodationCandidateOut.Meta.fields, "decided_by", "overdue"]

    def get_overdue(self, accommodation) -> bool:
        return services.is_overdue(accommodation)


class GrantIn(serializers.Serializer):
    answer = serializers.CharField(required=False, allow_blank=True, max_length=services.TEXT_MAX)


class DeclineIn(serializers.Serializer):
    answer = serializers.CharField(max_length=services.TEXT_MAX)


class AccommodationApi(ScopedViewSet):
    """Candidates' accommodation requests for their interviews, each with the deadline HR answers
    it by; filters: interview, candidate, kind, state, overdue. `grant` of extra time lengthens
    the booked slot: one that would overlap an interviewer's other booking is refused (409
    `slot_taken` on `extra_minutes`, naming the interviewer and the other booking's time)."""

    queryset = Accommodation.objects.none()
    serializer_class = AccommodationInterviewerOut
    serializers_by_scope = {"staff": AccommodationStaffOut, "candidate": AccommodationCandidateOut}
    list_selector = staticmethod(selectors.accommodation_list_for)
    detail_queryset = staticmethod(selectors.accommodation_detail_queryset)
    write_actions = {"grant": "change", "decline": "change"}

    def _answer(self, accommodation: Accommodation) -> Response:
        return Response(AccommodationStaffOut(accommodation, context=self.get_serializer_context()).data)

    @extend_schema(request=GrantIn, responses=AccommodationStaffOut)
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        """Grant it, with an answer the candidate is sent (optional)."""
        data = validated(GrantIn, request.data)
        return self._answer(
            services.accommodation_grant(
                accommodation=self.visible_object(), answer=data.get("answer", ""), actor=request.user
            )
        )

    @extend_schema(request=DeclineIn, responses=AccommodationStaffOut)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline it, saying why: the candidate is sent the answer."""
        data = validated(DeclineIn, request.data)
        return self._answer(
            services.accommodation_decline(
                accommodation=self.visible_object(), answer=data["answer"], actor=request.user
            )
        )
