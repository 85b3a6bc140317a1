"""API for offers, with their approval chain and the candidate's answer."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from hrsuite.api import IntegerKeyField, ModelOut, ScopedViewSet, validated
from hrsuite.errors import ValidationFailed
from onboarding import selectors
from onboarding.models import Offer, OfferApproval
from onboarding.services import offers


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


class SubmitIn(serializers.Serializer):
    # User ids in the order they approve; empty: the recruiter approves the draft directly.
    approvers = serializers.ListField(child=IntegerKeyField(), required=False, max_length=10)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


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
