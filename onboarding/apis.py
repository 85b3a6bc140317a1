"""API for decisions, offers (with their approval chain and the candidate's answer), background
checks, and the background-check providers' signed webhooks."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from candidates.selectors import application_detail_queryset
from hrsuite.api import Created, IntegerKeyField, ModelOut, ScopedViewSet, referenced, validated
from hrsuite.errors import ValidationFailed
from onboarding import selectors
from onboarding.models import BackgroundCheck, Decision, Offer, OfferApproval
from onboarding.services import checks, decisions, offers

# --- Output --------------------------------------------------------------------------------------


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


class OfferListOut(ModelOut):
    """Lists show no salary, so a list decrypts nothing."""

    position_title = serializers.CharField(source="position.title")

    class Meta:
        model = Offer
        fields = [
            "id",
            "application",
            "position",
            "position_title",
            "currency",
            "start_date",
            "location",
            "expires_at",
            "status",
        ]


class OfferApprovalOut(ModelOut):
    approver = serializers.CharField(source="approver.get_username", default=None)

    class Meta:
        model = OfferApproval
        fields = ["round", "order", "approver", "status", "note", "decided_at"]


class OfferStaffOut(OfferListOut):
    approvals = OfferApprovalOut(many=True)

    class Meta(OfferListOut.Meta):
        fields = [
            *OfferListOut.Meta.fields,
            "decision",
            "salary",
            "approval_round",
            "approvals",
            "sent_at",
            "answered_at",
        ]


class OfferCandidateOut(OfferListOut):
    """The candidate's own offer: its terms, without the internal approval chain."""

    class Meta(OfferListOut.Meta):
        fields = [*OfferListOut.Meta.fields, "salary", "sent_at", "answered_at"]


class BackgroundCheckOut(ModelOut):
    class Meta:
        model = BackgroundCheck
        fields = ["id", "application", "offer", "provider", "status", "requested_at", "completed_at"]


class BackgroundCheckDetailOut(BackgroundCheckOut):
    class Meta(BackgroundCheckOut.Meta):
        fields = [*BackgroundCheckOut.Meta.fields, "findings"]


# --- Input ---------------------------------------------------------------------------------------


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


class SubmitIn(serializers.Serializer):
    # User ids in the order they approve; empty: the recruiter approves the draft directly.
    approvers = serializers.ListField(child=IntegerKeyField(), required=False, max_length=10)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CheckWebhookOut(serializers.Serializer):
    duplicate = serializers.BooleanField()
    event_id = serializers.CharField()
    background_check = serializers.UUIDField(required=False)
    status = serializers.CharField(required=False)


# --- Views ---------------------------------------------------------------------------------------


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


class OfferApi(ScopedViewSet):
    """Offers: HR drafts (through a hire decision), runs the approval chain, sends and cancels;
    the candidate sees their sent offer and accepts or declines it before it expires."""

    queryset = Offer.objects.none()
    serializer_class = OfferCandidateOut
    serializers_by_scope = {"staff": OfferStaffOut, "candidate": OfferCandidateOut}
    list_selector = staticmethod(selectors.offer_list_for)
    detail_queryset = staticmethod(selectors.offer_detail_queryset)
    write_actions = {
        "submit": "change",
        "approve": "change",
        "reject": "change",
        "send": "change",
        "cancel": "change",
        "accept": "answer",
        "decline": "answer",
    }

    def get_serializer_class(self):
        return OfferListOut if self.action == "list" else super().get_serializer_class()

    def _answer(self, offer):
        """The offer after the write, as the caller may see it."""
        offer = self.get_queryset().filter(pk=offer.pk).first() or offer
        return Response(self.get_serializer_class()(offer, context=self.get_serializer_context()).data)

    @extend_schema(request=SubmitIn, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        offer = self.visible_object()
        ids = validated(SubmitIn, request.data).get("approvers", [])
        by_id = User.objects.in_bulk(ids)
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise ValidationFailed(
                _("No such approver."),
                fields={"approvers": [_("No user %(id)s.") % {"id": i} for i in missing]},
            )
        offer = offers.offer_submit(offer=offer, approvers=[by_id[i] for i in ids], actor=request.user)
        return self._answer(offer)

    @extend_schema(request=NoteIn, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        offer = self.visible_object()
        note = validated(NoteIn, request.data).get("note", "")
        return self._answer(
            offers.offer_approval_decide(offer=offer, approve=True, note=note, actor=request.user)
        )

    @extend_schema(request=NoteIn, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        offer = self.visible_object()
        note = validated(NoteIn, request.data).get("note", "")
        return self._answer(
            offers.offer_approval_decide(offer=offer, approve=False, note=note, actor=request.user)
        )

    @extend_schema(request=None, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._answer(offers.offer_send(offer=self.visible_object(), actor=request.user))

    @extend_schema(request=None, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._answer(offers.offer_cancel(offer=self.visible_object(), actor=request.user))

    @extend_schema(request=None, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        offer = offers.offer_answer(offer=self.visible_object(), accept=True, actor=request.user)
        return self._answer(offer)

    @extend_schema(request=None, responses=OfferStaffOut)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        offer = offers.offer_answer(offer=self.visible_object(), accept=False, actor=request.user)
        return self._answer(offer)


class BackgroundCheckApi(ScopedViewSet):
    """Background checks and their state; findings only in the detail (HR only)."""

    queryset = BackgroundCheck.objects.none()
    serializer_class = BackgroundCheckDetailOut
    list_selector = staticmethod(selectors.check_list_for)
    detail_queryset = staticmethod(selectors.check_detail_queryset)

    def get_serializer_class(self):
        return BackgroundCheckOut if self.action == "list" else BackgroundCheckDetailOut


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
