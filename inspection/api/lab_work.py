"""Samples, laboratory orders and laboratory results over the API (/api/v1/samples/, /lab-orders/, /lab-results/).

Bureau staff read everything and write what the pages write (custody hand-overs, orders); an accredited
laboratory's system, through its own API key (its agency client is tied to its laboratory record), reads the
samples and orders sent to it, records custody of the samples it holds and posts the results of its own orders,
each posting signed with its Ed25519 key (header ``X-CIQ-Lab-Signature``); a partner agency with ``lab_work:read``
reads them all; a declarant reads its own enterprise's results, never why the consignment was inspected. Taking a
sample is a step of the clearance pipeline (``POST /api/v1/inspection-tasks/{id}/samples/``, release's)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ciq_portal.api.permissions import requires_scope, role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.models import AgencyScope
from ciq_portal.roles import BUREAU_ROLES, Role, is_bureau_user

from .. import selectors, services
from ..choices import LabOrderStatus
from ..filtersets import LabOrderFilterSet, LabResultFilterSet, SampleFilterSet
from ..models import CustodyEntry, Lab, LabOrder, LabResult, Sample

SIGNATURE_HEADER = "X-CIQ-Lab-Signature"
INSPECTORS = {Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}


# --- serializers ---------------------------------------------------------------------------------------------------


class CustodyEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CustodyEntry
        fields = ["id", "action", "holder", "seal_intact", "at"]
        read_only_fields = fields


class SampleSerializer(serializers.ModelSerializer):
    declaration_number = serializers.CharField(source="task.declaration.number", read_only=True)
    custody = CustodyEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Sample
        fields = ["id", "sample_no", "task", "declaration_number", "description", "quantity", "unit", "seal_no",
                  "taken_at", "custody"]
        read_only_fields = fields


class SampleTakeSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField(max_length=16)
    seal_no = serializers.CharField(max_length=32)


class CustodyHandOverSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32, help_text="What happened, e.g. received, opened for testing.")
    holder = serializers.CharField(max_length=120, help_text="Who holds the sample now.")
    seal_intact = serializers.BooleanField()


class LabResultSerializer(serializers.ModelSerializer):
    """A result as a declarant or a partner reads it."""

    declaration_number = serializers.CharField(source="order.task.declaration.number", read_only=True)
    sample_no = serializers.CharField(source="order.sample.sample_no", read_only=True)
    lab_accreditation_no = serializers.CharField(source="order.lab.accreditation_no", read_only=True)

    class Meta:
        model = LabResult
        fields = ["id", "order", "declaration_number", "sample_no", "lab_accreditation_no", "test_item", "value",
                  "unit", "limit_min", "limit_max", "limit", "passed", "recorded_at"]
        read_only_fields = fields


class BureauLabResultSerializer(LabResultSerializer):
    """A result as bureau staff read it: also why the consignment was inspected."""

    inspection_reason = serializers.CharField(source="order.task.reason", read_only=True)

    class Meta(LabResultSerializer.Meta):
        fields = [*LabResultSerializer.Meta.fields, "inspection_reason"]
        read_only_fields = fields


class OrderResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = LabResult
        fields = ["id", "test_item", "value", "unit", "limit_min", "limit_max", "limit", "passed", "recorded_at"]
        read_only_fields = fields


class LabOrderSerializer(serializers.ModelSerializer):
    declaration_number = serializers.CharField(source="task.declaration.number", read_only=True)
    category = serializers.CharField(source="task.category", read_only=True,
                                     help_text="The goods' commodity category, which picks the limits.")
    sample_no = serializers.CharField(source="sample.sample_no", read_only=True)
    lab_accreditation_no = serializers.CharField(source="lab.accreditation_no", read_only=True)
    test_items = serializers.ListField(child=serializers.CharField(), read_only=True)
    results = OrderResultSerializer(many=True, read_only=True)
    conformity = serializers.SerializerMethodField(
        help_text="pending until the results are in; non_conform when any result is outside its limit.")

    class Meta:
        model = LabOrder
        fields = ["id", "task", "declaration_number", "category", "sample", "sample_no", "lab",
                  "lab_accreditation_no", "test_items", "status", "ordered_at", "resulted_at", "results",
                  "conformity"]
        read_only_fields = fields

    def get_conformity(self, order) -> str:
        if order.status != LabOrderStatus.RESULTED:
            return "pending"
        return "conform" if all(r.passed for r in order.results.all()) else "non_conform"


class LabOrderCreateSerializer(serializers.Serializer):
    sample = serializers.IntegerField()
    lab = serializers.IntegerField()
    test_items = serializers.ListField(child=serializers.CharField(max_length=64), min_length=1, max_length=50)


class PostedResultSerializer(serializers.Serializer):
    test_item = serializers.CharField(max_length=64)
    value = serializers.DecimalField(max_digits=16, decimal_places=6)
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class LabResultPostSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="One of the laboratory's own orders.")
    results = PostedResultSerializer(many=True, allow_empty=False, max_length=50,
                                     help_text="One result per ordered test item.")


_RESULT_FOR_AUDIENCE = PolymorphicProxySerializer(
    component_name="LabResultForAudience", serializers=[BureauLabResultSerializer, LabResultSerializer],
    resource_type_field_name=None)

SIGNATURE_PARAMETER = OpenApiParameter(
    SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The Ed25519 signature of the exact request body's bytes by the laboratory's private key, "
                "base64url (padding optional); checked with the public key the bureau registered for the "
                "laboratory. A missing or wrong signature is refused with 403 and nothing is recorded.")


# --- views ---------------------------------------------------------------------------------------------------------


class SampleViewSet(viewsets.ReadOnlyModelViewSet):
    """Samples with their chain of custody."""

    lookup_value_regex = r"[0-9]+"
    permission_classes = [requires_scope(AgencyScope.LAB_WORK_READ, allow_roles=BUREAU_ROLES)]
    serializer_class = SampleSerializer
    filterset_class = SampleFilterSet
    queryset = Sample.objects.none()

    def get_queryset(self):
        return selectors.sample_list(user=self.request.user)

    @extend_schema(request=CustodyHandOverSerializer, responses={201: SampleSerializer})
    @action(detail=True, methods=["post"], url_path="custody",
            permission_classes=[requires_scope(AgencyScope.LAB_RESULTS_POST, allow_roles=INSPECTORS)])
    @idempotent
    def custody(self, request, pk=None):
        """Record a hand-over of the sample (who holds it now, the seal checked): bureau staff, or the laboratory
        the sample was sent to."""
        serializer = CustodyHandOverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sample = selectors.sample_get_for_custody(user=request.user, pk=pk)
        services.sample_custody_add(sample=sample, actor=request.user, **serializer.validated_data)
        sample = Sample.objects.select_related("task__declaration").prefetch_related("custody").get(pk=sample.pk)
        return Response(SampleSerializer(sample).data, status=status.HTTP_201_CREATED)


class LabOrderViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Laboratory orders: a sample sent to a laboratory for named test items, with its results once posted."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = LabOrderSerializer
    filterset_class = LabOrderFilterSet
    queryset = LabOrder.objects.none()

    def get_permissions(self):
        if self.action == "create":  # orders are the bureau's
            return [role_required(*INSPECTORS)()]
        return [requires_scope(AgencyScope.LAB_WORK_READ, allow_roles=BUREAU_ROLES)()]

    def get_queryset(self):
        return selectors.lab_order_list(user=self.request.user)

    @extend_schema(request=LabOrderCreateSerializer, responses={201: LabOrderSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = LabOrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sample = selectors.sample_get_for_custody(user=request.user, pk=data["sample"])
        lab = Lab.objects.filter(pk=data["lab"]).first()
        if lab is None:
            raise DjangoValidationError({"lab": [_("No such laboratory.")]})
        order = services.lab_order_create(task=sample.task, sample=sample, lab=lab, test_items=data["test_items"],
                                          actor=request.user)
        return Response(LabOrderSerializer(self.get_queryset().get(pk=order.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(responses=_RESULT_FOR_AUDIENCE),
                    retrieve=extend_schema(responses=_RESULT_FOR_AUDIENCE))
class LabResultViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Laboratory results, one per test item, each judged against the limits table in force."""

    lookup_value_regex = r"[0-9]+"
    filterset_class = LabResultFilterSet
    queryset = LabResult.objects.none()

    def get_permissions(self):
        if self.action == "create":  # only a laboratory's own system posts (no role of the bureau's)
            return [requires_scope(AgencyScope.LAB_RESULTS_POST, allow_roles=set())()]
        return [requires_scope(AgencyScope.LAB_WORK_READ, allow_roles={Role.DECLARANT, *BUREAU_ROLES})()]

    def get_queryset(self):
        return selectors.lab_result_list(user=self.request.user)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or is_bureau_user(self.request.user):
            return BureauLabResultSerializer
        return LabResultSerializer

    @extend_schema(request=LabResultPostSerializer, responses={201: LabOrderSerializer},
                   parameters=[SIGNATURE_PARAMETER])
    def create(self, request, *args, **kwargs):
        """Post the results of one of the laboratory's own orders, signed (``X-CIQ-Lab-Signature``); with an
        ``Idempotency-Key`` a retry replays the first answer and records nothing twice. Each result is judged
        against the bureau's limits table; the answer's ``conformity`` is ``non_conform`` when any is outside."""
        signed_body = request._request.body  # the exact bytes signed, read before anything parses them
        return self._post(request, signed_body)

    @idempotent
    def _post(self, request, signed_body):
        serializer = LabResultPostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = selectors.lab_order_get_for_results(user=request.user, pk=serializer.validated_data["order"])
        results = [{**row, "value": str(row["value"])} for row in serializer.validated_data["results"]]
        order = services.lab_result_post(order=order, results=results, signed_body=signed_body,
                                         signature=request.headers.get(SIGNATURE_HEADER, ""), actor=request.user)
        order = (LabOrder.objects.select_related("task__declaration", "sample", "lab")
                 .prefetch_related(Prefetch("results", LabResult.objects.order_by("test_item"))).get(pk=order.pk))
        return Response(LabOrderSerializer(order).data, status=status.HTTP_201_CREATED)
