"""Permission-filtered reads of decisions, offers, background checks, onboarding plans (their tasks
and documents), HR tasks, the texts HR sets for candidate messages, and provisioning targets and
deliveries (HR's per-system status); and what holds a candidate's data back from erasure."""

from dataclasses import dataclass

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.translation import gettext

from candidates.models import CLOSED_STAGES, Application, Stage
from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from onboarding.models import (
    BackgroundCheck,
    CandidateMessageText,
    Decision,
    HRTask,
    Offer,
    OfferApproval,
    OnboardingDocument,
    OnboardingPlan,
    OnboardingTask,
    ProvisioningDelivery,
    ProvisioningTarget,
)


class ApplicationScopedFilter(django_filters.FilterSet):
    application = django_filters.UUIDFilter()
    status = django_filters.CharFilter()


class DecisionFilter(ApplicationScopedFilter):
    class Meta:
        model = Decision
        fields = ["application", "status", "outcome"]


def decision_list_for(*, user, filters=None) -> QuerySet[Decision]:
    queryset = restrict(
        Decision.objects.select_related("decided_by").defer("reason", "review_request_note"), user=user
    )
    return filtered(DecisionFilter, filters, queryset.order_by("-decided_at", "id"))


def decision_detail_queryset(*, user) -> QuerySet[Decision]:
    return Decision.objects.select_related("decided_by", "application")


class OfferFilter(ApplicationScopedFilter):
    class Meta:
        model = Offer
        fields = ["application", "status"]


def offer_list_for(*, user, filters=None) -> QuerySet[Offer]:
    # Lists carry no salary, so nothing is decrypted for a list.
    queryset = restrict(Offer.objects.select_related("position").defer("salary"), user=user)
    return filtered(OfferFilter, filters, queryset.order_by("-created_at", "id"))


def offer_detail_queryset(*, user) -> QuerySet[Offer]:
    approvals = OfferApproval.objects.select_related("approver").order_by("round", "order")
    return Offer.objects.select_related("position").prefetch_related(
        Prefetch("approvals", queryset=approvals)
    )


class CheckFilter(ApplicationScopedFilter):
    class Meta:
        model = BackgroundCheck
        fields = ["application", "status"]


def check_list_for(*, user, filters=None) -> QuerySet[BackgroundCheck]:
    queryset = restrict(BackgroundCheck.objects.defer("findings"), user=user)
    return filtered(CheckFilter, filters, queryset.order_by("-requested_at", "id"))


def check_detail_queryset(*, user) -> QuerySet[BackgroundCheck]:
    return BackgroundCheck.objects.all()


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


def _targets() -> QuerySet[ProvisioningTarget]:
    # The secret is never shown, so it is never read (or decrypted): only whether one is set.
    has_secret = ExpressionWrapper(~Q(secret=""), output_field=BooleanField())
    return ProvisioningTarget.objects.defer("secret").annotate(has_secret_set=has_secret)


def target_list_for(*, user, filters=None) -> QuerySet[ProvisioningTarget]:
    return restrict(_targets(), user=user).order_by("system")


def target_detail_queryset(*, user) -> QuerySet[ProvisioningTarget]:
    return _targets()


class DeliveryFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter()
    application = django_filters.UUIDFilter(field_name="plan__application")
    system = django_filters.ChoiceFilter(
        field_name="target__system", choices=ProvisioningTarget.System.choices
    )
    status = django_filters.ChoiceFilter(choices=ProvisioningDelivery.Status.choices)

    class Meta:
        model = ProvisioningDelivery
        fields = ["plan", "application", "system", "status"]


def delivery_list_for(*, user, filters=None) -> QuerySet[ProvisioningDelivery]:
    # Lists show no payload (names, salary), so a list decrypts nothing.
    queryset = restrict(
        ProvisioningDelivery.objects.select_related("target", "plan").defer("payload", "target__secret"),
        user=user,
    )
    return filtered(DeliveryFilter, filters, queryset.order_by("-created_at", "id"))


def delivery_detail_queryset(*, user) -> QuerySet[ProvisioningDelivery]:
    return ProvisioningDelivery.objects.select_related("target", "plan").defer("payload", "target__secret")


# --- What keeps a candidate's data from being erased ------------------------------------------


@dataclass(frozen=True)
class ErasureHold:
    """A reason the law has us keep a candidate's data for now, shown to HR and to the candidate
    when their erasure is refused: `code` for readers that tell them apart, `reason` in words."""

    code: str
    reason: str


def erasure_holds(*, candidate_id) -> list[ErasureHold]:
    """What holds the candidate's data back from erasure (PIPL Art. 47, GDPR Art. 17(3)): an offer
    still open (it is answered or withdrawn first), their employment (an accepted offer or a hire:
    employee records are kept under employment law, and the candidate file with them until it
    ends), and a re-review of a decision they asked for and HR has not answered. Read by key, not
    through a user's viewing scope: the erasure service asks on the candidate's behalf."""
    holds = []
    offers = Offer.objects.filter(application__candidate_id=candidate_id)
    if offers.filter(status__in=Offer.OPEN_STATES).exists():
        reason = gettext("An offer to them is still open: withdraw it or let them answer first.")
        holds.append(ErasureHold("offer_open", reason))
    hired = Application.objects.filter(candidate_id=candidate_id, stage=Stage.HIRED)
    # An accepted offer employs them until its application closes (the hire withdrew before
    # starting: the onboarding was cancelled).
    accepted = offers.filter(status=Offer.Status.ACCEPTED).exclude(application__stage__in=CLOSED_STAGES)
    if accepted.exists() or hired.exists():
        reason = gettext("They were hired: their records are kept while employment law requires.")
        holds.append(ErasureHold("employed", reason))
    pending = Decision.objects.filter(
        application__candidate_id=candidate_id, status=Decision.Status.REVIEW_REQUESTED
    )
    if pending.exists():
        reason = gettext("A re-review they asked for is still waiting for HR's answer.")
        holds.append(ErasureHold("review_pending", reason))
    return holds
