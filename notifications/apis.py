"""HR's view of the notification outbox: what went out, what is waiting, what failed, and retry."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet
from notifications import selectors
from notifications.models import Notification
from notifications.services.outbox import notification_retry


class NotificationOut(ModelOut):
    """Ids, times and status only: the address is read at send time and never shown here."""

    recipient_user = serializers.CharField(source="recipient_user.get_username", default=None)

    class Meta:
        model = Notification
        fields = [
            "id",
            "template",
            "channel",
            "language",
            "candidate",
            "recipient_user",
            "interview",
            "due_at",
            "status",
            "attempts",
            "last_error",
            "sent_at",
            "created_at",
        ]


class NotificationApi(ScopedViewSet):
    """The outbox. Recruiters and HR admins read it (audited like every read); a recruiter sends a
    failed message again with `retry`."""

    queryset = Notification.objects.none()
    serializer_class = NotificationOut
    list_selector = staticmethod(selectors.notification_list_for)
    detail_queryset = staticmethod(selectors.notification_detail_queryset)
    write_actions = {"retry": "change"}

    @extend_schema(request=None, responses=NotificationOut)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        notification = notification_retry(notification=self.visible_object(), actor=request.user)
        return Response(NotificationOut(notification, context=self.get_serializer_context()).data)
