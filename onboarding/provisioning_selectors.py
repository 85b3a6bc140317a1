"""Permission-filtered reads of provisioning targets and deliveries (HR's per-system status)."""

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from hrsuite.permissions import restrict
from hrsuite.selectors import filtered
from onboarding.models import ProvisioningDelivery, ProvisioningTarget


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
