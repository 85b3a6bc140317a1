"""API for privacy requests: HR's list and detail, recording a request received by e-mail, phone or
letter, and starting, completing and refusing one. A candidate reads their own here and makes
them in the portal."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates.selectors import candidate_detail_queryset
from hrsuite.api import Created, ModelOut, ScopedViewSet, referenced, validated
from privacy import selectors
from privacy.models import AccessBundle, ErasureHandOff, PrivacyRequest
from privacy.services import access, erasure
from privacy.services import requests as services


class PrivacyRequestListOut(ModelOut):
    handled_by = serializers.CharField(source="handled_by.get_username", default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = PrivacyRequest
        fields = [
            "id",
            "candidate",
            "kind",
            "channel",
            "state",
            "received_at",
            "deadline",
            "overdue",
            "started_at",
            "closed_at",
            "handled_by",
        ]

    def get_overdue(self, request) -> bool:
        return services.is_overdue(request)


class AccessCopyOut(ModelOut):
    """The state of the copy answering an access request; its content only the candidate downloads."""

    class Meta:
        model = AccessBundle
        fields = ["status", "attempts", "built_at", "expires_at"]


class ChangeOut(serializers.Serializer):
    """One change to the candidate's records, as the audit trail recorded it."""

    event = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    at = serializers.DateTimeField()


class ErasureStepOut(ModelOut):
    """One step of an erasure outside this database, and where it stands."""

    class Meta:
        model = ErasureHandOff
        fields = ["kind", "system", "status", "attempts", "last_error", "done_at"]


class PrivacyRequestStaffOut(PrivacyRequestListOut):
    changes = ChangeOut(many=True, read_only=True)
    access_copy = serializers.SerializerMethodField()
    erasure_steps = serializers.SerializerMethodField()

    class Meta(PrivacyRequestListOut.Meta):
        fields = [
            *PrivacyRequestListOut.Meta.fields,
            "text",
            "refusal_reason",
            "resolution",
            "changes",
            "access_copy",
            "erasure_steps",
        ]

    @extend_schema(responses=AccessCopyOut)
    def get_access_copy(self, request) -> dict | None:
        copy = selectors.access_copy_of(request)
        return None if copy is None else AccessCopyOut(copy, context=self.context).data

    @extend_schema(responses=ErasureStepOut(many=True))
    def get_erasure_steps(self, request) -> list[dict]:
        return ErasureStepOut(selectors.erasure_steps_of(request), many=True, context=self.context).data


class PrivacyRequestCandidateListOut(ModelOut):
    """A candidate's own request: what they asked, where it stands, and why it was refused."""

    class Meta:
        model = PrivacyRequest
        fields = ["id", "kind", "channel", "state", "received_at", "deadline", "closed_at"]


class PrivacyRequestCandidateOut(PrivacyRequestCandidateListOut):
    class Meta(PrivacyRequestCandidateListOut.Meta):
        fields = [*PrivacyRequestCandidateListOut.Meta.fields, "text", "refusal_reason"]


class PrivacyRequestIn(serializers.Serializer):
    candidate = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=PrivacyRequest.Kind.choices)
    channel = serializers.ChoiceField(choices=services.RECORDED_CHANNEL_CHOICES)
    text = serializers.CharField(required=False, allow_blank=True, max_length=services.TEXT_MAX)
    received_at = serializers.DateTimeField(required=False)


class CompleteIn(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=services.TEXT_MAX)


class RefuseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=services.TEXT_MAX)


class PrivacyRequestApi(ScopedViewSet):
    """Candidates' privacy requests (access, correction, erasure, restriction of AI processing),
    each with its deadline. Recruiters record those received by e-mail, phone or letter and answer
    them; HR admins read them; a candidate reads their own. Completing an erasure request is the
    erasure's (409 `erasure_carried_out_elsewhere`): `erase` carries it out, and the request is done
    when its last step outside this database is; an access request is completed when its copy is
    ready."""

    queryset = PrivacyRequest.objects.none()
    serializer_class = PrivacyRequestCandidateOut
    serializers_by_scope = {"staff": PrivacyRequestStaffOut, "candidate": PrivacyRequestCandidateOut}
    list_selector = staticmethod(selectors.privacy_request_list_for)
    detail_queryset = staticmethod(selectors.privacy_request_detail_queryset)
    write_actions = {
        "start": "change",
        "complete": "change",
        "refuse": "change",
        "retry_copy": "change",
        "erase": "change",
        "retry_steps": "change",
    }

    def get_serializer_class(self):
        chosen = super().get_serializer_class()
        if self.action != "list":
            return chosen
        # A list decrypts nothing: what was asked, and why it was refused, are in the detail.
        return {PrivacyRequestStaffOut: PrivacyRequestListOut}.get(chosen, PrivacyRequestCandidateListOut)

    def _answer(self, request_row: PrivacyRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            PrivacyRequestStaffOut(request_row, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=PrivacyRequestIn, responses={201: Created})
    def create(self, request):
        """A request the candidate sent by e-mail, phone or letter, recorded with when it came in
        (its deadline counts from then)."""
        data = validated(PrivacyRequestIn, request.data)
        candidate = referenced(
            candidate_detail_queryset(user=request.user),
            user=request.user,
            pk=data["candidate"],
            field="candidate",
        )
        created = services.privacy_request_record(
            candidate=candidate,
            kind=data["kind"],
            channel=data["channel"],
            text=data.get("text", ""),
            received_at=data.get("received_at"),
            actor=request.user,
        )
        return Response({"id": str(created.pk)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PrivacyRequestStaffOut)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Take the request up; an access request's copy starts being prepared."""
        return self._answer(services.privacy_request_start(request=self.visible_object(), actor=request.user))

    @extend_schema(request=CompleteIn, responses=PrivacyRequestStaffOut)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark it done, saying what was done (a correction: what was corrected, after correcting
        the records through their own endpoints)."""
        data = validated(CompleteIn, request.data)
        done = services.privacy_request_complete(
            request=self.visible_object(), actor=request.user, resolution=data.get("resolution", "")
        )
        return self._answer(done)

    @extend_schema(request=RefuseIn, responses=PrivacyRequestStaffOut)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse it, with the reason the candidate is given."""
        data = validated(RefuseIn, request.data)
        refused = services.privacy_request_refuse(
            request=self.visible_object(), actor=request.user, reason=data["reason"]
        )
        return self._answer(refused)

    @extend_schema(request=None, responses=PrivacyRequestStaffOut)
    @action(detail=True, methods=["post"], url_path="retry-copy")
    def retry_copy(self, request, pk=None):
        """Prepare again a copy whose preparation failed."""
        row = self.visible_object()
        access.access_bundle_retry(request=row, actor=request.user)
        return self._answer(row)

    @extend_schema(request=None, responses=PrivacyRequestStaffOut)
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        """Carry out an erasure request: the person's key destroyed, their open applications
        withdrawn, and each system that received their data asked to delete it (the steps in
        `erasure_steps`). 409 `legal_hold` while an open offer, their employment or a re-review
        keeps their data, naming why. It cannot be undone."""
        return self._answer(erasure.erasure_carry_out(request=self.visible_object(), actor=request.user))

    @extend_schema(request=None, responses=PrivacyRequestStaffOut)
    @action(detail=True, methods=["post"], url_path="retry-steps")
    def retry_steps(self, request, pk=None):
        """Take again the steps of an erasure that were left failed."""
        row = self.visible_object()
        erasure.erasure_steps_retry(request=row, actor=request.user)
        return self._answer(row)
