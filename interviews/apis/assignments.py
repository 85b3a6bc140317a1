"""API for interviewer assignments, which give an interviewer access to an interview."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import User
from hrsuite.api import IntegerKeyField, ModelOut, ScopedViewSet, referenced, validated
from hrsuite.errors import ValidationFailed
from interviews import selectors
from interviews.models import (
    InterviewAssignment,
)
from interviews.services.assignments import assignment_create, assignment_delete


class AssignmentOut(ModelOut):
    interviewer_name = serializers.CharField(source="interviewer.get_username")

    class Meta:
        model = InterviewAssignment
        fields = ["id", "interview", "interviewer", "interviewer_name", "created_at"]


class AssignmentIn(serializers.Serializer):
    interview = serializers.UUIDField()
    interviewer = IntegerKeyField()


class AssignmentApi(ScopedViewSet):
    """Interviewer assignments: creating one grants the interviewer access, deleting it revokes it."""

    queryset = InterviewAssignment.objects.none()
    serializer_class = AssignmentOut
    list_selector = staticmethod(selectors.assignment_list_for)
    detail_queryset = staticmethod(selectors.assignment_detail_queryset)

    @extend_schema(request=AssignmentIn, responses={201: AssignmentOut})
    def create(self, request):
        data = validated(AssignmentIn, request.data)
        interview = referenced(
            selectors.interview_detail_queryset(user=request.user),
            user=request.user,
            pk=data["interview"],
            field="interview",
        )
        interviewer = User.objects.filter(pk=data["interviewer"], is_active=True).first()
        if interviewer is None:
            message = _("No such interviewer.")
            raise ValidationFailed(message, fields={"interviewer": [message]})
        assignment = assignment_create(interview=interview, interviewer=interviewer, actor=request.user)
        return Response(
            AssignmentOut(assignment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def destroy(self, request, pk=None):
        assignment_delete(assignment=self.visible_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
