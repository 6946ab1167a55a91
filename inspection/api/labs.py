"""/api/v1/labs/: the register of accredited laboratories (public information: every signed-in user reads it);
administrators register and edit, supervisors suspend and reinstate, officers record re-tests.
/api/v1/lab-policies/: the bureau's re-test rule, set by supervisors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ciq_portal.api.permissions import role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.models import AgencyClient
from ciq_portal.roles import BUREAU_ROLES, Role
from declarations.choices import CommodityCategory

from .. import selectors, services
from ..filtersets import LabFilterSet
from ..models import Lab, LabComparison, LabPolicy, TestReport
from .serializers import LabSerializer

ROLES_BY_ACTION = {
    "create": (Role.ADMINISTRATOR,), "update": (Role.ADMINISTRATOR,), "partial_update": (Role.ADMINISTRATOR,),
    "suspend": (Role.SUPERVISOR, Role.ADMINISTRATOR), "reinstate": (Role.SUPERVISOR, Role.ADMINISTRATOR),
    "retests": (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR), "api_access": (Role.ADMINISTRATOR,),
}


class LabWriteSerializer(serializers.ModelSerializer):
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    scope_categories = serializers.ListField(child=serializers.ChoiceField(choices=CommodityCategory.choices),
                                             required=False, default=list)
    scope_test_items = serializers.ListField(child=serializers.CharField(max_length=64), required=False,
                                             default=list)
    accreditation_no = serializers.CharField(max_length=32)

    class Meta:
        model = Lab
        fields = ["name", "name_en", "kind", "accreditation_no", "scope_categories", "scope_test_items",
                  "valid_from", "valid_until"]


class LabApiAccessSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(
        queryset=AgencyClient.objects.all(), allow_null=True,
        help_text="The agency client (of an agency of kind laboratory) whose API keys post this laboratory's "
                  "results; null removes it.")
    signing_public_key = serializers.CharField(
        allow_blank=True, max_length=2000,
        help_text="The laboratory's Ed25519 public key (PEM) that checks the X-CIQ-Lab-Signature of its postings.")


class LabReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class LabComparisonSerializer(serializers.ModelSerializer):
    report = serializers.PrimaryKeyRelatedField(queryset=TestReport.objects.none())
    tolerance = serializers.DecimalField(max_digits=6, decimal_places=4, required=False, allow_null=True,
                                         help_text="Relative tolerance; the bureau's rule when left out.")

    class Meta:
        model = LabComparison
        fields = ["id", "report", "test_item", "lab_value", "bureau_value", "tolerance", "agrees", "at"]
        read_only_fields = ["id", "lab_value", "agrees", "at"]


class LabViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The registry of laboratories (third-party acceptance, §4.3)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = LabSerializer
    filterset_class = LabFilterSet
    queryset = Lab.objects.none()

    def get_permissions(self):
        roles = ROLES_BY_ACTION.get(self.action)
        return [IsAuthenticated(), *([role_required(*roles)()] if roles else [])]

    def get_queryset(self):
        return selectors.lab_list(user=self.request.user).order_by("name", "id")

    @extend_schema(request=LabWriteSerializer, responses={201: LabSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = LabWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lab = services.lab_register(actor=request.user, **serializer.validated_data)
        return Response(LabSerializer(lab).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabWriteSerializer, responses=LabSerializer)
    def update(self, request, *args, **kwargs):
        serializer = LabWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        lab = services.lab_update(lab=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(LabSerializer(lab).data)

    @extend_schema(request=LabReasonSerializer, responses=LabSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        serializer = LabReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lab = services.lab_suspend(lab=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(LabSerializer(lab).data)

    @extend_schema(request=LabReasonSerializer, responses=LabSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        serializer = LabReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lab = services.lab_reinstate(lab=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(LabSerializer(lab).data)

    @extend_schema(request=LabApiAccessSerializer, responses=LabSerializer)
    @action(detail=True, methods=["post"], url_path="api-access")
    def api_access(self, request, pk=None):
        """Tie the laboratory to its own system: the API client that posts its results and its public key."""
        serializer = LabApiAccessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lab = services.lab_api_access_set(lab=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(LabSerializer(lab).data)

    @extend_schema(methods=["GET"], request=None, responses=LabComparisonSerializer(many=True))
    @extend_schema(methods=["POST"], request=LabComparisonSerializer, responses={201: LabComparisonSerializer})
    @action(detail=True, methods=["get", "post"])
    def retests(self, request, pk=None):
        lab = self.get_object()
        if request.method == "GET":
            return Response(LabComparisonSerializer(lab.comparisons.order_by("-at", "-id")[:200], many=True).data)
        serializer = LabComparisonSerializer(data=request.data)
        serializer.fields["report"].queryset = lab.reports.all()
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comparison = services.lab_retest_compare(report=data["report"], test_item=data["test_item"],
                                                 bureau_value=data["bureau_value"], tolerance=data.get("tolerance"),
                                                 actor=request.user)
        return Response(LabComparisonSerializer(comparison).data, status=status.HTTP_201_CREATED)


class LabPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = LabPolicy
        fields = ["id", "disagreement_limit", "window_days", "tolerance", "set_at"]
        read_only_fields = ["id", "set_at"]


class LabPolicyViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The re-test rule's versions, newest first (the first applies); supervisors add a version."""

    serializer_class = LabPolicySerializer
    queryset = LabPolicy.objects.none()

    def get_permissions(self):
        roles = (Role.SUPERVISOR, Role.ADMINISTRATOR) if self.action == "create" else tuple(BUREAU_ROLES)
        return [IsAuthenticated(), role_required(*roles)()]

    def get_queryset(self):
        return LabPolicy.objects.order_by("-set_at", "-id")

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = services.lab_policy_set(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)
