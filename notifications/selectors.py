"""Reading the outbox: HR's list of what went out, what is waiting and what failed."""

import django_filters
from django.db.models import QuerySet

from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from notifications.models import Notification
from notifications.registry import template_choices


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Notification.Status.choices)
    template = django_filters.ChoiceFilter(choices=template_choices)
    interview = django_filters.UUIDFilter()
    candidate = django_filters.UUIDFilter()

    class Meta:
        model = Notification
        fields = ["status", "template", "interview", "candidate"]


def notification_detail_queryset(*, user) -> QuerySet[Notification]:
    return Notification.objects.select_related("recipient_user")


def notification_list_for(*, user, filters=None) -> QuerySet[Notification]:
    """The outbox as HR sees it: recruiters and HR admins; nobody else has a policy on it."""
    queryset = restrict(notification_detail_queryset(user=user), user=user).order_by("-due_at", "id")
    return filtered(NotificationFilter, filters, queryset)
