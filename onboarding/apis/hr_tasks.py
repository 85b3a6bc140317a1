"""API for HR tasks."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet
from onboarding import selectors
from onboarding.models import HRTask
from onboarding.services import plans


class HRTaskOut(ModelOut):
    class Meta:
        model = HRTask
        fields = ["id", "kind", "application", "background_check", "status", "due_at", "created_at"]


class HRTaskApi(ScopedViewSet):
    """Work HR must pick up (inconclusive checks, failed provisioning); recruiters close it."""

    queryset = HRTask.objects.none()
    serializer_class = HRTaskOut
    list_selector = staticmethod(selectors.hr_task_list_for)
    detail_queryset = staticmethod(selectors.hr_task_detail_queryset)
    write_actions = {"close": "change"}

    @extend_schema(request=None, responses=HRTaskOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(
            HRTaskOut(
                plans.hr_task_close(hr_task=self.visible_object(), actor=request.user),
                context=self.get_serializer_context(),
            ).data
        )
