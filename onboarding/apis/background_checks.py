"""API for background checks and their state."""

from hrsuite.api import ModelOut, ScopedViewSet
from onboarding import selectors
from onboarding.models import BackgroundCheck


class BackgroundCheckOut(ModelOut):
    class Meta:
        model = BackgroundCheck
        fields = ["id", "application", "offer", "provider", "status", "requested_at", "completed_at"]


class BackgroundCheckDetailOut(BackgroundCheckOut):
    class Meta(BackgroundCheckOut.Meta):
        fields = [*BackgroundCheckOut.Meta.fields, "findings"]


class BackgroundCheckApi(ScopedViewSet):
    """Background checks and their state; findings only in the detail (HR only)."""

    queryset = BackgroundCheck.objects.none()
    serializer_class = BackgroundCheckDetailOut
    list_selector = staticmethod(selectors.check_list_for)
    detail_queryset = staticmethod(selectors.check_detail_queryset)

    def get_serializer_class(self):
        return BackgroundCheckOut if self.action == "list" else BackgroundCheckDetailOut
