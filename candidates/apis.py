"""API for positions, candidates, applications (with their timeline), prior records and résumé files."""

import uuid

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates import selectors
from candidates.models import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    Application,
    ApplicationIntake,
    Candidate,
    Language,
    Position,
    PriorRecord,
    ResumeFile,
    StageChange,
)
from candidates.services.applications import STAGE_EVENTS, application_create, application_move
from candidates.services.candidates import candidate_create, candidate_update
from candidates.services.intake import FIELDS as INTAKE_FIELDS
from candidates.services.intake import application_intake
from candidates.services.positions import (
    POSITION_EVENTS,
    position_create,
    position_transition,
    position_update,
)
from candidates.services.prior_records import prior_record_create
from candidates.services.resume_files import resume_file_content, resume_file_upload
from hrsuite import uploads
from hrsuite.api import Created, IntegerKeyField, ModelOut, ScopedViewSet, referenced, validated
from hrsuite.downloads import attachment
from hrsuite.errors import ValidationFailed
from hrsuite.models import BIGINT_MAX
from hrsuite.parsers import FormParser, MultiPartParser
from hrsuite.selectors import object_get_for

# --- Output --------------------------------------------------------------------------------------


class PositionOut(ModelOut):
    # The title in the request's language, else in the other.
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "title",
            "title_en",
            "title_zh_hans",
            "department",
            "region",
            "time_zone",
            "dimension_weights",
            "weights_version",
            "status",
            "rejection_notice_hours",
            "stuck_after_days",
        ]


class PlanStepOut(serializers.Serializer):
    kind = serializers.CharField()
    duration_minutes = serializers.IntegerField()


class PositionDimensionOut(serializers.Serializer):
    """A dimension as a reader is shown it: its label in the request's language."""

    key = serializers.CharField()
    weight = serializers.FloatField()
    label = serializers.CharField()


class PositionDetailOut(PositionOut):
    interview_plan = PlanStepOut(many=True, read_only=True)
    dimensions = serializers.SerializerMethodField()

    class Meta(PositionOut.Meta):
        fields = [
            *PositionOut.Meta.fields,
            "headcount",
            "owner",
            "interviewers",
            "interview_plan",
            "dimension_labels",
            "dimensions",
        ]

    @extend_schema_field(PositionDimensionOut(many=True))
    def get_dimensions(self, position) -> list[dict]:
        """The dimensions, weightiest first, each with its label in the request's language."""
        return position.dimensions()


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


def _whole_number(**kwargs) -> serializers.IntegerField:
    """A whole number a database holds; which ones a position takes is its service's to say."""
    return serializers.IntegerField(min_value=-BIGINT_MAX - 1, max_value=BIGINT_MAX, **kwargs)


class PlanStepIn(serializers.Serializer):
    kind = serializers.CharField(help_text="A kind of interview: ai_video, live_video, phone, onsite.")
    duration_minutes = _whole_number()


# Parsed here as to their types only; every rule is the position service's
# (`candidates.services.positions`), which the HR pages call alike.
class PositionIn(serializers.Serializer):
    title_en = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    title_zh_hans = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    department = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True, help_text="CN, US-IL, DE-BE: drives holidays.")
    time_zone = serializers.CharField(allow_blank=True)
    headcount = _whole_number(required=False)
    owner = IntegerKeyField(
        required=False, allow_null=True, help_text="A recruiter's id; the creating recruiter when left out."
    )
    interviewers = serializers.ListField(child=IntegerKeyField(), required=False)
    interview_plan = PlanStepIn(many=True, required=False)
    dimension_weights = serializers.DictField(child=serializers.FloatField())
    dimension_labels = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False,
        help_text='{"problem_solving": {"en": "Problem solving", "zh-hans": "解决问题"}}',
    )
    # Empty: the suite's default delay.
    rejection_notice_hours = _whole_number(required=False, allow_null=True)
    # Days in one stage before an application counts as stuck (default 14).
    stuck_after_days = _whole_number(required=False)


class PositionChangeIn(PositionIn):
    """Any of a position's fields; those left out stay as they are."""

    department = serializers.CharField(allow_blank=True, required=False)
    region = serializers.CharField(allow_blank=True, required=False)
    time_zone = serializers.CharField(allow_blank=True, required=False)
    dimension_weights = serializers.DictField(child=serializers.FloatField(), required=False)


class PositionTransitionIn(serializers.Serializer):
    event = serializers.ChoiceField(choices=POSITION_EVENTS)


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


def _positions_listed(*, user, filters=None):
    return selectors.position_list_for(user=user, filters=filters).prefetch_related("interviewers")


class PositionApi(ScopedViewSet):
    """Positions (requisitions): titles per language, place, headcount, hiring team, interview
    plan, and the dimensions candidates are assessed on with their weights and labels. A
    recruiter creates one, changes any of its fields (`partial_update`), and puts it on hold,
    resumes, closes or reopens it (`transition`); a closed position takes no new application."""

    queryset = Position.objects.none()
    serializer_class = PositionDetailOut
    list_selector = staticmethod(_positions_listed)
    detail_queryset = staticmethod(selectors.position_detail_queryset)
    write_actions = {"transition": "change"}

    def _answer(self, position, **kwargs):
        position = self.get_queryset().get(pk=position.pk)
        return Response(PositionDetailOut(position, context=self.get_serializer_context()).data, **kwargs)

    @extend_schema(request=PositionIn, responses={201: PositionDetailOut})
    def create(self, request):
        data = validated(PositionIn, request.data)
        position = position_create(actor=request.user, **_plain(data))
        return self._answer(position, status=status.HTTP_201_CREATED)

    @extend_schema(request=PositionChangeIn, responses=PositionDetailOut)
    def partial_update(self, request, pk=None):
        position = self.visible_object()
        data = validated(PositionChangeIn, request.data)
        position = position_update(position=position, actor=request.user, **_plain(data))
        return self._answer(position)

    @extend_schema(request=PositionTransitionIn, responses=PositionDetailOut)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        position = self.visible_object()
        data = validated(PositionTransitionIn, request.data)
        position = position_transition(position=position, event=data["event"], actor=request.user)
        return self._answer(position)


def _plain(data: dict) -> dict:
    """Parsed input as plain lists and dicts (DRF gives its own ordered kinds)."""
    plain = dict(data)
    if "interview_plan" in plain:
        plain["interview_plan"] = [dict(step) for step in plain["interview_plan"]]
    if "dimension_labels" in plain:
        plain["dimension_labels"] = {key: dict(labels) for key, labels in plain["dimension_labels"].items()}
    return plain


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


# --- Application intake --------------------------------------------------------------------------


class ApplicationIntakeIn(serializers.Serializer):
    """The careers page's form, for a job board or a referral tool: the same fields, checked by
    the same service."""

    position = serializers.UUIDField()
    full_name = serializers.CharField(max_length=200)
    email = serializers.CharField(max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    resume = serializers.FileField(help_text="PDF or DOCX, recognised by its content.")
    source = serializers.ChoiceField(
        choices=ApplicationIntake.Source.choices, required=False, allow_blank=True
    )
    source_detail = serializers.CharField(required=False, allow_blank=True, max_length=200)
    language = serializers.ChoiceField(
        choices=Language.choices, required=False, help_text="The applicant's; their confirmation's."
    )
    privacy_notice_version = serializers.CharField(
        help_text="The version of the privacy notice the applicant was shown (GET it from the careers page)."
    )
    privacy_acknowledged = serializers.BooleanField(help_text="The applicant read the notice and agreed.")


class ApplicationIntakeApi(viewsets.GenericViewSet):
    """Applications from job boards and referral tools (docs/architecture.md, "Careers page and
    intake"). An integration token with the `submit_applications` scope posts one (multipart, the
    careers page's fields); it reads nothing. The answer is 201 with the application's id, the same
    for an applicant whose e-mail belongs to a candidate already (a new application on their
    record) and for one who applied for the position before (that application, nothing stored)."""

    queryset = ApplicationIntake.objects.none()
    parser_classes = [MultiPartParser, FormParser]
    write_actions = {"create": (ApplicationIntake, "submit")}

    @extend_schema(request={"multipart/form-data": ApplicationIntakeIn}, responses={201: Created})
    def create(self, request):
        uploads.refuse_oversize(request)
        body = request.data
        position = (
            Position.objects.select_related("owner").filter(pk=_uuid_or_none(body.get("position"))).first()
        )
        if position is None:
            message = _("No such position.")
            raise ValidationFailed(message, fields={"position": [message]})
        receipt = application_intake(
            position=position,
            data={name: body.get(name, "") for name in (*INTAKE_FIELDS, "privacy_notice_version")},
            upload=request.FILES.get("resume"),
            language=body.get("language") or translation.get_language(),
            actor=request.user,
        )
        return Response({"id": str(receipt.application_id)}, status=status.HTTP_201_CREATED)


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
