"""API for the candidate survey: the answers (HR reads every one, the candidate their own and
answers it once) and the results by region, provider and kind (HR only)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet, validated
from hrsuite.errors import ValidationFailed
from interviews import survey_selectors as selectors
from interviews.services import survey as survey_services
from interviews.survey_models import SURVEY_SCALE, InterviewSurvey, SurveyResult


class SurveyOut(ModelOut):
    class Meta:
        model = InterviewSurvey
        fields = [
            "id",
            "interview",
            "candidate",
            "language",
            "region",
            "provider",
            "kind",
            "sent_at",
            "answered_at",
            "overall",
            "technical_problems",
            "fairness",
            "comment",
        ]


class SurveyAnswerIn(serializers.Serializer):
    # Each answer checked by the service too, which names a missing one; the comment's length
    # as the service holds it.
    overall = serializers.IntegerField(required=False, min_value=SURVEY_SCALE[0], max_value=SURVEY_SCALE[1])
    technical_problems = serializers.BooleanField(required=False)
    fairness = serializers.IntegerField(required=False, min_value=SURVEY_SCALE[0], max_value=SURVEY_SCALE[1])
    comment = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=survey_services.COMMENT_MAX_CHARS
    )


class SurveyApi(ScopedViewSet):
    """Surveys after interviews. Recruiters and HR admins read every answer, comments included;
    the candidate reads their own and answers each once (409 after); interviewers see none."""

    queryset = InterviewSurvey.objects.none()
    serializer_class = SurveyOut
    list_selector = staticmethod(selectors.survey_list_for)
    detail_queryset = staticmethod(selectors.survey_detail_queryset)
    # Answering changes the candidate's own survey: no one else holds that permission.
    write_actions = {"answer": "change"}

    @extend_schema(request=SurveyAnswerIn, responses={200: SurveyOut})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The signed-in candidate's answers to one of their surveys."""
        survey = self.visible_object()
        answers = validated(SurveyAnswerIn, request.data)
        answered = survey_services.survey_answer(survey=survey, answers=answers, actor=request.user)
        return Response(SurveyOut(answered, context=self.get_serializer_context()).data)


class SurveyResultOut(ModelOut):
    class Meta:
        model = SurveyResult
        fields = [
            "level",
            "region",
            "provider",
            "kind",
            "computed_at",
            "since",
            "sent",
            "answered",
            "overall_n",
            "overall_mean",
            "overall_low",
            "overall_high",
            "fairness_n",
            "fairness_mean",
            "fairness_low",
            "fairness_high",
            "technical_problems",
            "scheduled",
            "completed",
        ]


class SeesSurveyResults(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and user.has_perm("interviews.view_surveyresult")


class SurveyResultApi(viewsets.GenericViewSet):
    """The survey's results and the completion rates by region, provider and kind, as beat last
    computed them; `level` narrows to one grouping. Recruiters and HR admins only."""

    queryset = SurveyResult.objects.none()
    serializer_class = SurveyResultOut
    pagination_class = None

    def get_permissions(self):
        return [SeesSurveyResults()]

    @extend_schema(
        parameters=[OpenApiParameter("level", str, enum=SurveyResult.Level.values)],
        responses=SurveyResultOut(many=True),
    )
    def list(self, request):
        level = request.query_params.get("level") or None
        if level is not None and level not in SurveyResult.Level.values:
            raise ValidationFailed(
                _("Unknown level."), fields={"level": [", ".join(SurveyResult.Level.values)]}
            )
        rows = selectors.survey_results_for(user=request.user, level=level)
        return Response(SurveyResultOut(rows, many=True).data)
