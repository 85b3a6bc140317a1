"""API for the candidate's consent to AI interviews."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet, referenced, validated
from hrsuite.errors import Forbidden, ValidationFailed
from hrsuite.permissions import has_role
from hrsuite.roles import Role
from hrsuite.selectors import object_get_for
from interviews import selectors
from interviews.models import Consent, ConsentNotice
from interviews.services import consent as consent_services


class ConsentOut(ModelOut):
    notice_version = serializers.CharField(source="notice.version")
    notice_sha256 = serializers.CharField(source="notice.text_sha256")

    class Meta:
        model = Consent
        fields = [
            "id",
            "candidate",
            "interview",
            "scope",
            "decision",
            "decided_at",
            "notice_version",
            "notice_sha256",
            "ip",
            "user_agent",
        ]


class NoticeOut(ModelOut):
    class Meta:
        model = ConsentNotice
        fields = ["version", "language", "title", "text", "text_sha256", "published_at"]


class ConsentStateOut(serializers.Serializer):
    """The latest decision per scope: given, refused, withdrawn, or null (not asked yet)."""

    # Plain strings: as choice fields the schema would name one choice set twice.
    general = serializers.CharField(allow_null=True)
    biometric = serializers.CharField(allow_null=True)


class NoticeForInterviewOut(serializers.Serializer):
    interview = serializers.UUIDField()
    notice = NoticeOut()
    consents = ConsentStateOut()


class ConsentIn(serializers.Serializer):
    interview = serializers.UUIDField()
    scope = serializers.ChoiceField(choices=Consent.Scope.choices)
    decision = serializers.ChoiceField(choices=Consent.Decision.choices)
    # The version the candidate was shown: a decision on an older text is refused.
    notice_version = serializers.CharField(max_length=20)


class ConsentApi(ScopedViewSet):
    """Consent to AI interviews. Candidates read the notice for their interview and give, refuse
    or withdraw consent per scope (general; biometric: face and voice); recruiters and HR admins
    read every decision; interviewers see none."""

    queryset = Consent.objects.none()
    serializer_class = ConsentOut
    list_selector = staticmethod(selectors.consent_list_for)
    detail_queryset = staticmethod(selectors.consent_detail_queryset)

    @extend_schema(request=ConsentIn, responses={201: ConsentOut})
    def create(self, request):
        """The signed-in candidate's decision on one scope, for one of their interviews."""
        data = validated(ConsentIn, request.data)
        interview = referenced(
            selectors.interview_detail_queryset(user=request.user),
            user=request.user,
            pk=data.pop("interview"),
            field="interview",
        )
        consent = consent_services.consent_record(interview=interview, actor=request.user, **data)
        return Response(
            ConsentOut(consent, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[OpenApiParameter("interview", OpenApiTypes.UUID, required=True)],
        responses=NoticeForInterviewOut,
    )
    @action(detail=False, methods=["get"])
    def notice(self, request):
        """The current notice for one of the candidate's interviews, in their language, with
        their decisions so far."""
        if not has_role(request.user, Role.CANDIDATE):
            raise Forbidden(_("The consent notice is read by the candidate in their portal."))
        pk = request.query_params.get("interview")
        if not pk:
            raise ValidationFailed(_("Name the interview."), fields={"interview": [_("Required.")]})
        interview = object_get_for(
            selectors.interview_detail_queryset(user=request.user), user=request.user, pk=pk
        )
        notice = consent_services.notice_current(language=interview.application.candidate.preferred_language)
        body = {
            "interview": interview.pk,
            "notice": notice,
            "consents": consent_services.consent_state(interview=interview),
        }
        return Response(NoticeForInterviewOut(body, context=self.get_serializer_context()).data)
