"""Permission-filtered reads of onboarding plans, their tasks and documents, HR tasks, and the
texts HR sets for candidate messages."""

import django_filters
from django.db.models import Prefetch, QuerySet

from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from onboarding.models import CandidateMessageText, HRTask, OnboardingDocument, OnboardingPlan, OnboardingTask


class PlanFilter(django_filters.FilterSet):
    application = django_filters.UUIDFilter()
    status = django_filters.CharFilter()

    class Meta:
        model = OnboardingPlan
        fields = ["application", "status"]


def plan_list_for(*, user, filters=None) -> QuerySet[OnboardingPlan]:
    queryset = restrict(OnboardingPlan.objects.all(), user=user)
    return filtered(PlanFilter, filters, queryset.order_by("start_date", "id"))


def plan_detail_queryset(*, user) -> QuerySet[OnboardingPlan]:
    # The candidate's view of a plan lists only their own tasks.
    tasks = restrict(OnboardingTask.objects.all(), user=user).order_by("due_at", "id")
    return OnboardingPlan.objects.prefetch_related(Prefetch("tasks", queryset=tasks))


class TaskFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter()
    status = django_filters.CharFilter()
    assignee = django_filters.CharFilter()

    class Meta:
        model = OnboardingTask
        fields = ["plan", "status", "assignee"]


def _documents():
    # Names and sizes only: listing a task decrypts no document.
    return Prefetch(
        "documents", queryset=OnboardingDocument.objects.defer("content_base64").order_by("created_at")
    )


def task_list_for(*, user, filters=None) -> QuerySet[OnboardingTask]:
    queryset = restrict(OnboardingTask.objects.prefetch_related(_documents()), user=user)
    return filtered(TaskFilter, filters, queryset.order_by("due_at", "id"))


def task_detail_queryset(*, user) -> QuerySet[OnboardingTask]:
    return OnboardingTask.objects.prefetch_related(_documents())


class DocumentFilter(django_filters.FilterSet):
    task = django_filters.UUIDFilter()

    class Meta:
        model = OnboardingDocument
        fields = ["task"]


def document_list_for(*, user, filters=None) -> QuerySet[OnboardingDocument]:
    queryset = restrict(OnboardingDocument.objects.defer("content_base64"), user=user)
    return filtered(DocumentFilter, filters, queryset.order_by("-created_at", "id"))


def document_detail_queryset(*, user) -> QuerySet[OnboardingDocument]:
    return OnboardingDocument.objects.select_related("task__plan__application")


class HRTaskFilter(django_filters.FilterSet):
    application = django_filters.UUIDFilter()
    status = django_filters.CharFilter()
    kind = django_filters.CharFilter()

    class Meta:
        model = HRTask
        fields = ["application", "status", "kind"]


def hr_task_list_for(*, user, filters=None) -> QuerySet[HRTask]:
    queryset = restrict(HRTask.objects.all(), user=user)
    return filtered(HRTaskFilter, filters, queryset.order_by("status", "due_at", "id"))


def hr_task_detail_queryset(*, user) -> QuerySet[HRTask]:
    return HRTask.objects.all()


def message_text_list_for(*, user, filters=None) -> QuerySet[CandidateMessageText]:
    # Each row names who last set it: read with the row, not once per row.
    queryset = CandidateMessageText.objects.select_related("updated_by")
    return restrict(queryset, user=user).order_by("key", "language")


def message_text_detail_queryset(*, user) -> QuerySet[CandidateMessageText]:
    return CandidateMessageText.objects.select_related("updated_by")
