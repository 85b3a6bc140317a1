"""API for positions, candidates, applications (with their timeline), prior records and résumé files."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates import selectors
from candidates.models import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    REJECTION_NOTICE_HOURS_MAX,
    Application,
    Candidate,
    Language,
    Position,
    PriorRecord,
    ResumeFile,
    StageChange,
)
from candidates.services.applications import STAGE_EVENTS, application_create, application_move
from candidates.services.candidates import candidate_create, candidate_update
from candidates.services.positions import position_create, position_settings_update
from candidates.services.prior_records import prior_record_create
from candidates.services.resume_files import resume_file_content, resume_file_upload
from hrsuite import uploads
from hrsuite.api import Created, ModelOut, ScopedViewSet, referenced, validated
from hrsuite.downloads import attachment
from hrsuite.parsers import FormParser, MultiPartParser
from hrsuite.selectors import object_get_for

# --- Output --------------------------------------------------------------------------------------


class PositionOut(ModelOut):
    class Meta:
        model = Position
        fields = [
            "id",
            "title",
            "department",
            "region",
            "time_zone",
            "dimension_weights",
            "status",
            "rejection_notice_hours",
        ]


class StageChangeOut(ModelOut):
    actor = serializers.CharField(source="actor.get_username", default=None)

    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "at", "actor", "reason"]


class ApplicationOut(ModelOut):
    candidate_name = serializers.CharField(source="candidate.full_name")
    position = PositionOut()

    class Meta:
        model = Application
        fields = ["id", "candidate", "candidate_name", "position", "stage", "stage_changed_at"]


class ApplicationDetailOut(ApplicationOut):
    stage_history = StageChangeOut(many=True)

    class Meta(ApplicationOut.Meta):
        fields = [*ApplicationOut.Meta.fields, "stage_history"]


class CandidateApplicationOut(ModelOut):
    position = PositionOut()
    stage_history = StageChangeOut(many=True)

    class Meta:
        model = Application
        fields = ["id", "position", "stage", "stage_changed_at", "stage_history"]


class PriorRecordOut(ModelOut):
    class Meta:
        model = PriorRecord
        fields = [
            "id",
            "candidate",
            "kind",
            "title",
            "organisation",
            "period_start",
            "period_end",
            "rating",
            "notes",
        ]


class ResumeFileOut(ModelOut):
    # `filename` is ours (what a download is saved as), `original_filename` the sender's.
    filename = serializers.CharField(read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.get_username", default=None)
    uploaded_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = ResumeFile
        fields = [
            "id",
            "candidate",
            "filename",
            "original_filename",
            "content_type",
            "size",
            "status",
            "problem",
            "extracted_at",
            "uploaded_by",
            "uploaded_at",
        ]


class ResumeFileDetailOut(ResumeFileOut):
    class Meta(ResumeFileOut.Meta):
        fields = [*ResumeFileOut.Meta.fields, "sha256"]


_CANDIDATE_LIST = ["id", "full_name", "region", "time_zone", "preferred_language", "created_at"]


class CandidateListOut(ModelOut):
    """Lists show no contact data, so a list page decrypts nothing."""

    class Meta:
        model = Candidate
        fields = _CANDIDATE_LIST


class CandidateStaffOut(ModelOut):
    applications = CandidateApplicationOut(many=True)
    prior_records = PriorRecordOut(many=True)

    class Meta:
        model = Candidate
        fields = [
            *_CANDIDATE_LIST,
            "email",
            "phone",
            "national_id",
            "date_of_birth",
            "resume_text",
            "source",
            "applications",
            "prior_records",
        ]


class CandidateInterviewerOut(ModelOut):
    """What an assigned interviewer needs: the résumé, not contact data or identity documents."""

    applications = CandidateApplicationOut(many=True)

    class Meta:
        model = Candidate
        fields = [*_CANDIDATE_LIST, "resume_text", "applications"]


class CandidateSelfOut(ModelOut):
    applications = CandidateApplicationOut(many=True)

    class Meta:
        model = Candidate
        fields = [*_CANDIDATE_LIST, "email", "phone", "resume_text", "applications"]


# --- Input ---------------------------------------------------------------------------------------


class CandidateIn(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    national_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    region = serializers.CharField(max_length=10)
    time_zone = serializers.CharField(max_length=64)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)
    resume_text = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def validate_date_of_birth(self, value):
        return value.isoformat() if value else ""


class PositionIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    department = serializers.CharField(max_length=120)
    region = serializers.CharField(max_length=10)
    time_zone = serializers.CharField(max_length=64)
    dimension_weights = serializers.DictField(child=serializers.FloatField(), allow_empty=False)
    # Empty: the suite's default delay. The service checks the range too; bounded here as well,
    # so the schema tells clients what the column holds.
    rejection_notice_hours = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=REJECTION_NOTICE_HOURS_MAX
    )


class PositionSettingsIn(serializers.Serializer):
    rejection_notice_hours = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=REJECTION_NOTICE_HOURS_MAX
    )


class ApplicationIn(serializers.Serializer):
    candidate = serializers.UUIDField()
    position = serializers.UUIDField()


class StageMoveIn(serializers.Serializer):
    event = serializers.ChoiceField(choices=STAGE_EVENTS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PriorRecordIn(serializers.Serializer):
    candidate = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=PriorRecord.Kind.choices)
    title = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField(required=False, allow_null=True)
    rating = serializers.CharField(max_length=40, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ResumeFileIn(serializers.Serializer):
    """multipart/form-data: the candidate's id and the file (PDF or DOCX)."""

    candidate = serializers.UUIDField()
    file = serializers.FileField(allow_empty_file=True)


# --- Views ---------------------------------------------------------------------------------------


class PositionApi(ScopedViewSet):
    """Positions (requisitions) with their per-dimension score weights; a recruiter changes HR's
    settings of one (the delay of a rejected candidate's message) with `partial_update`."""

    queryset = Position.objects.none()
    serializer_class = PositionOut
    list_selector = staticmethod(selectors.position_list_for)
    detail_queryset = staticmethod(lambda *, user: Position.objects.all())

    @extend_schema(request=PositionIn, responses={201: PositionOut})
    def create(self, request):
        data = validated(PositionIn, request.data)
        position = position_create(actor=request.user, **data)
        return Response(
            PositionOut(position, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=PositionSettingsIn, responses=PositionOut)
    def partial_update(self, request, pk=None):
        position = self.visible_object()
        data = validated(PositionSettingsIn, request.data)
        position = position_settings_update(position=position, actor=request.user, **data)
        return Response(PositionOut(position, context=self.get_serializer_context()).data)


class CandidateApi(ScopedViewSet):
    """Candidates: lists show names only; the detail shows each role its own view of the file."""

    queryset = Candidate.objects.none()
    serializer_class = CandidateListOut
    serializers_by_scope = {
        "staff": CandidateStaffOut,
        "interviewer": CandidateInterviewerOut,
        "candidate": CandidateSelfOut,
    }
    list_selector = staticmethod(selectors.candidate_list_for)
    list_count = staticmethod(selectors.candidate_list_count)
    list_keys = staticmethod(selectors.candidate_list_keys)
    detail_queryset = staticmethod(selectors.candidate_detail_queryset)
    trail_query = staticmethod(selectors.candidate_search_for_trail)

    def get_serializer_class(self):
        return CandidateListOut if self.action == "list" else super().get_serializer_class()

    @extend_schema(request=CandidateIn, responses={201: Created})
    def create(self, request):
        data = validated(CandidateIn, request.data)
        candidate = candidate_create(actor=request.user, **data)
        return Response({"id": str(candidate.pk)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=CandidateIn, responses=Created)
    def partial_update(self, request, pk=None):
        candidate = self.visible_object()
        data = validated(CandidateIn, request.data, partial=True)
        candidate_update(candidate=candidate, actor=request.user, **data)
        return Response({"id": str(candidate.pk)})


class ApplicationApi(ScopedViewSet):
    """Applications (a candidate for a position) with their stage timeline; `move` applies a stage event."""

    queryset = Application.objects.none()
    serializer_class = ApplicationDetailOut
    list_selector = staticmethod(selectors.application_list_for)
    detail_queryset = staticmethod(selectors.application_detail_queryset)
    write_actions = {"move": "change"}

    def get_serializer_class(self):
        return ApplicationOut if self.action == "list" else super().get_serializer_class()

    @extend_schema(request=ApplicationIn, responses={201: Created})
    def create(self, request):
        data = validated(ApplicationIn, request.data)
        candidate = referenced(
            Candidate.objects.all(), user=request.user, pk=data["candidate"], field="candidate"
        )
        position = referenced(
            Position.objects.all(), user=request.user, pk=data["position"], field="position"
        )
        application = application_create(candidate=candidate, position=position, actor=request.user)
        return Response({"id": str(application.pk)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=StageMoveIn, responses=ApplicationDetailOut)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        application = self.visible_object()
        data = validated(StageMoveIn, request.data)
        application_move(application=application, actor=request.user, **data)
        application = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationDetailOut(application, context=self.get_serializer_context()).data)


class PriorRecordApi(ScopedViewSet):
    """Past performance and training records of internal or returning candidates (HR only)."""

    queryset = PriorRecord.objects.none()
    serializer_class = PriorRecordOut
    list_selector = staticmethod(selectors.prior_record_list_for)
    detail_queryset = staticmethod(lambda *, user: PriorRecord.objects.all())

    @extend_schema(request=PriorRecordIn, responses={201: PriorRecordOut})
    def create(self, request):
        data = validated(PriorRecordIn, request.data)
        candidate = referenced(
            Candidate.objects.all(), user=request.user, pk=data.pop("candidate"), field="candidate"
        )
        record = prior_record_create(candidate=candidate, actor=request.user, **data)
        return Response(
            PriorRecordOut(record, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


class ResumeFileApi(ScopedViewSet):
    """Candidates' résumé files, newest first: PDF or DOCX, recognised by their content. A
    recruiter uploads one (`create`, multipart: `candidate`, `file`); its text is read in the
    background into the candidate's `resume_text` (`status`: pending, reading, extracted, or
    no_text with the `problem`). HR and the interviewers assigned to the candidate see the files
    and `download` them (an export in the audit trail)."""

    queryset = ResumeFile.objects.none()
    serializer_class = ResumeFileOut
    list_selector = staticmethod(selectors.resume_file_list_for)
    detail_queryset = staticmethod(selectors.resume_file_detail_queryset)
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return ResumeFileOut if self.action == "list" else ResumeFileDetailOut

    @extend_schema(request={"multipart/form-data": ResumeFileIn}, responses={201: ResumeFileDetailOut})
    def create(self, request):
        body = request.data
        # Reading the body dropped a file part over the cap, if there was one: its field's error.
        uploads.refuse_oversize(request)
        data = validated(ResumeFileIn, body)
        candidate = referenced(
            Candidate.objects.only("pk"), user=request.user, pk=data["candidate"], field="candidate"
        )
        file = resume_file_upload(candidate=candidate, upload=data["file"], actor=request.user, field="file")
        return Response(
            ResumeFileDetailOut(file, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={
            (200, PDF_CONTENT_TYPE): OpenApiTypes.BINARY,
            (200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        file = object_get_for(ResumeFile.objects.all(), user=request.user, pk=pk)
        content = resume_file_content(file, actor=request.user)
        return attachment(content, content_type=file.content_type, filename=file.filename)
