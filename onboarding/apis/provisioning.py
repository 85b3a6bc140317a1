"""API for provisioning hires to outside systems: the systems' endpoints (recruiters configure
them, HR admins read them, nobody reads a secret back) and each hire's deliveries per system,
with HR's retry of a dead one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from hrsuite.api import ModelOut, ScopedViewSet, validated
from onboarding import selectors
from onboarding.models import ProvisioningDelivery, ProvisioningTarget
from onboarding.services import provisioning

# --- Output --------------------------------------------------------------------------------------


class ProvisioningTargetOut(ModelOut):
    """Never the secret: only that one is set."""

    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = ProvisioningTarget
        fields = ["id", "system", "url", "active", "has_secret", "created_at", "updated_at"]

    def get_has_secret(self, target) -> bool:
        # Read through the selector, the secret is deferred and only this flag is annotated.
        flag = getattr(target, "has_secret_set", None)
        return bool(target.secret) if flag is None else flag


class ProvisioningDeliveryOut(ModelOut):
    """Status per system; no payload (names, salary) and no secret."""

    system = serializers.CharField(source="target.system")
    application = serializers.UUIDField(source="plan.application_id")

    class Meta:
        model = ProvisioningDelivery
        fields = [
            "id",
            "plan",
            "application",
            "system",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_error",
            "idempotency_key",
            "created_at",
            "updated_at",
        ]


# --- Input ---------------------------------------------------------------------------------------


class TargetCreateIn(serializers.Serializer):
    system = serializers.ChoiceField(choices=ProvisioningTarget.System.choices)
    url = serializers.URLField(max_length=500)
    secret = serializers.CharField(write_only=True, max_length=500, trim_whitespace=False)
    active = serializers.BooleanField(default=True)


class TargetUpdateIn(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    secret = serializers.CharField(write_only=True, max_length=500, required=False, trim_whitespace=False)
    active = serializers.BooleanField(required=False)


# --- Views ---------------------------------------------------------------------------------------


class ProvisioningTargetApi(ScopedViewSet):
    """The endpoint of each outside system (OA, finance, training). Recruiters add and change them
    (a new secret rotates it); HR admins read them; the secret is write-only."""

    queryset = ProvisioningTarget.objects.none()
    serializer_class = ProvisioningTargetOut
    list_selector = staticmethod(selectors.target_list_for)
    detail_queryset = staticmethod(selectors.target_detail_queryset)

    @extend_schema(request=TargetCreateIn, responses={201: ProvisioningTargetOut})
    def create(self, request):
        data = validated(TargetCreateIn, request.data)
        target = provisioning.provisioning_target_create(actor=request.user, **data)
        return Response(
            ProvisioningTargetOut(target, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=TargetUpdateIn, responses=ProvisioningTargetOut)
    def partial_update(self, request, pk=None):
        target = self.visible_object()
        data = validated(TargetUpdateIn, request.data)
        target = provisioning.provisioning_target_update(target=target, actor=request.user, **data)
        return Response(ProvisioningTargetOut(target, context=self.get_serializer_context()).data)


class ProvisioningDeliveryApi(ScopedViewSet):
    """Each hire sent to each system: filter by `plan`, `application`, `system`, `status`. A
    recruiter sends a dead delivery again with `retry`."""

    queryset = ProvisioningDelivery.objects.none()
    serializer_class = ProvisioningDeliveryOut
    list_selector = staticmethod(selectors.delivery_list_for)
    detail_queryset = staticmethod(selectors.delivery_detail_queryset)
    write_actions = {"retry": "change"}

    @extend_schema(request=None, responses=ProvisioningDeliveryOut)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        delivery = provisioning.provisioning_retry(delivery=self.visible_object(), actor=request.user)
        return Response(ProvisioningDeliveryOut(delivery, context=self.get_serializer_context()).data)
