"""API for onboarding plans and their tasks (the new hire's uploads and confirmations, HR's own
tasks), and documents for HR to download."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite import uploads
from hrsuite.api import ModelOut, ScopedViewSet, validated
from hrsuite.errors import ValidationFailed
from hrsuite.parsers import FormParser, JSONParser, MultiPartParser
from hrsuite.selectors import object_get_for
from onboarding import selectors
from onboarding.models import OnboardingDocument, OnboardingPlan, OnboardingTask
from onboarding.services import plans


class DocumentOut(ModelOut):
    class Meta:
        model = OnboardingDocument
        # `filename` is ours (what a download is saved as), `original_filename` the sender's.
        fields = ["id", "task", "filename", "original_filename", "content_type", "size", "created_at"]


class TaskOut(ModelOut):
    documents = DocumentOut(many=True, read_only=True)

    class Meta:
        model = OnboardingTask
        fields = ["id", "plan", "assignee", "kind", "title", "due_at", "status", "completed_at", "documents"]


class PlanListOut(ModelOut):
    class Meta:
        model = OnboardingPlan
        fields = [
            "id",
            "offer",
            "application",
            "start_date",
            "status",
            "cancel_reason",
            "cancelled_at",
            "created_at",
        ]


class PlanOut(PlanListOut):
    tasks = TaskOut(many=True, read_only=True)

    class Meta(PlanListOut.Meta):
        fields = [*PlanListOut.Meta.fields, "tasks"]


class UploadIn(serializers.Serializer):
    """multipart/form-data with `file`, or JSON with `filename`, `content_type`, `content_base64`."""

    file = serializers.FileField(required=False)
    filename = serializers.CharField(required=False, max_length=200)
    content_type = serializers.CharField(required=False, max_length=100)
    content_base64 = serializers.CharField(required=False, trim_whitespace=True)


class PlanCancelIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=OnboardingPlan.CancelReason.choices)


class OnboardingPlanApi(ScopedViewSet):
    """Each hire's onboarding plan with its tasks; the candidate sees their own (with their tasks).
    A recruiter cancels a plan (`cancel`) when the new hire withdraws (`hire_withdrew`) or the offer
    is withdrawn after acceptance (`offer_withdrawn`)."""

    queryset = OnboardingPlan.objects.none()
    serializer_class = PlanOut
    list_selector = staticmethod(selectors.plan_list_for)
    detail_queryset = staticmethod(selectors.plan_detail_queryset)
    write_actions = {"cancel": "change"}

    def get_serializer_class(self):
        return PlanListOut if self.action == "list" else PlanOut

    @extend_schema(request=PlanCancelIn, responses=PlanOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        plan = self.visible_object()
        data = validated(PlanCancelIn, request.data)
        plan = plans.plan_cancel(plan=plan, reason=data["reason"], actor=request.user)
        return Response(
            PlanOut(
                selectors.plan_detail_queryset(user=request.user).get(pk=plan.pk),
                context=self.get_serializer_context(),
            ).data
        )


class OnboardingTaskApi(ScopedViewSet):
    """Onboarding tasks. The new hire uploads a document to a document task (`upload`: PDF, PNG or
    JPEG up to 5 MB, multipart or base64 JSON) and confirms a form (`confirm`); HR marks HR tasks
    done (`complete`)."""

    queryset = OnboardingTask.objects.none()
    serializer_class = TaskOut
    list_selector = staticmethod(selectors.task_list_for)
    detail_queryset = staticmethod(selectors.task_detail_queryset)
    write_actions = {"upload": "upload", "confirm": "confirm", "complete": "change"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _answer(self, task):
        task = selectors.task_detail_queryset(user=self.request.user).get(pk=task.pk)
        return Response(TaskOut(task, context=self.get_serializer_context()).data)

    @extend_schema(request=UploadIn, responses={201: DocumentOut})
    @action(detail=True, methods=["post"])
    def upload(self, request, pk=None):
        task = self.visible_object()
        data = validated(UploadIn, request.data)
        # Reading the body dropped a file part over the cap, if there was one: its field's error.
        uploads.refuse_oversize(request)
        if data.get("file") is not None:
            upload = data["file"]
            limit = settings.HRSUITE_ONBOARDING_UPLOAD_MAX_BYTES
            # Read one byte past the limit at most: an oversize file is refused without holding it all.
            content = upload.read(limit + 1)
            filename, content_type, field = upload.name, upload.content_type, "file"
        elif data.get("content_base64"):
            content = plans.upload_decoded(data["content_base64"], field="content_base64")
            filename, content_type, field = (
                data.get("filename", ""),
                data.get("content_type", ""),
                "content_base64",
            )
        else:
            raise ValidationFailed(
                _("Send a file."), fields={"file": [_("A file (multipart) or content_base64 (JSON).")]}
            )
        document = plans.task_document_upload(
            task=task,
            filename=filename,
            content_type=content_type,
            content=content,
            actor=request.user,
            field=field,
        )
        return Response(
            DocumentOut(document, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=TaskOut)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._answer(plans.task_confirm(task=self.visible_object(), actor=request.user))

    @extend_schema(request=None, responses=TaskOut)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._answer(plans.task_complete(task=self.visible_object(), actor=request.user))


class OnboardingDocumentApi(ScopedViewSet):
    """New hires' documents for HR: names and sizes; `download` returns the file (an export in
    the audit trail). Interviewers and candidates see none here."""

    queryset = OnboardingDocument.objects.none()
    serializer_class = DocumentOut
    list_selector = staticmethod(selectors.document_list_for)
    detail_queryset = staticmethod(selectors.document_detail_queryset)

    def retrieve(self, request, *args, **kwargs):
        # The detail shows no content: decrypting is for `download`, which is audited as an export.
        queryset = selectors.document_detail_queryset(user=request.user).defer("content_base64")
        return Response(
            DocumentOut(
                object_get_for(queryset, user=request.user, pk=kwargs["pk"]),
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.visible_object()
        content = plans.document_content(document, actor=request.user)
        # The type found in the content and a name of our own with its extension, as an attachment
        # the browser must not sniff into something else (HTML, script).
        response = HttpResponse(content, content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
