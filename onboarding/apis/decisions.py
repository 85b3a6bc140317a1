"""API for hiring decisions, with the candidate's request for a review of a rejection."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates.selectors import application_detail_queryset
from hrsuite.api import Created, ModelOut, ScopedViewSet, referenced, validated
from onboarding import selectors
from onboarding.models import Decision
from onboarding.services import decisions


class DecisionListOut(ModelOut):
    decided_by = serializers.CharField(source="decided_by.get_username", default=None)

    class Meta:
        model = Decision
        fields = [
            "id",
            "application",
            "outcome",
            "decided_by",
            "decided_at",
            "from_stage",
            "to_stage",
            "status",
        ]


class DecisionStaffOut(DecisionListOut):
    class Meta(DecisionListOut.Meta):
        fields = [*DecisionListOut.Meta.fields, "reason", "review_requested_at", "review_request_note"]


class DecisionCandidateOut(ModelOut):
    """The candidate's own rejection: no internal reasoning, and no decider's name."""

    class Meta:
        model = Decision
        fields = ["id", "application", "outcome", "decided_at", "status", "review_requested_at"]


class OfferTermsIn(serializers.Serializer):
    salary = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = serializers.CharField(min_length=3, max_length=3)
    start_date = serializers.DateField()
    location = serializers.CharField(max_length=200)
    expires_at = serializers.DateTimeField()


class DecisionIn(serializers.Serializer):
    application = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    offer = OfferTermsIn(required=False)


class ReviewRequestIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionApi(ScopedViewSet):
    """Decisions on applications (advance, hire, reject) by a named recruiter; a hire drafts the
    offer and starts the background check. A rejected candidate may ask for a human re-review."""

    queryset = Decision.objects.none()
    serializer_class = DecisionCandidateOut
    serializers_by_scope = {"staff": DecisionStaffOut, "candidate": DecisionCandidateOut}
    list_selector = staticmethod(selectors.decision_list_for)
    detail_queryset = staticmethod(selectors.decision_detail_queryset)
    write_actions = {"request_review": "request_review"}

    def get_serializer_class(self):
        chosen = super().get_serializer_class()
        # The list decrypts nothing: the reason is in the detail only.
        return DecisionListOut if self.action == "list" and chosen is DecisionStaffOut else chosen

    @extend_schema(request=DecisionIn, responses={201: Created})
    def create(self, request):
        data = validated(DecisionIn, request.data)
        application = referenced(
            application_detail_queryset(user=request.user),
            user=request.user,
            pk=data["application"],
            field="application",
        )
        decision = decisions.decision_record(
            application=application,
            outcome=data["outcome"],
            reason=data.get("reason", ""),
            offer_terms=data.get("offer"),
            actor=request.user,
        )
        return Response({"id": str(decision.pk)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewRequestIn, responses=DecisionCandidateOut)
    @action(detail=True, methods=["post"])
    def request_review(self, request, pk=None):
        """The candidate asks for a person to look at their rejection again."""
        decision = self.visible_object()
        data = validated(ReviewRequestIn, request.data)
        decision = decisions.decision_review_request(
            decision=decision, note=data.get("note", ""), actor=request.user
        )
        return Response(DecisionCandidateOut(decision, context=self.get_serializer_context()).data)
