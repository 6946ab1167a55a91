"""The inspection REST face: thin views over services and selectors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ciq_portal.agencies import principal_agency
from ciq_portal.api.permissions import requires_scope, role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.models import User
from ciq_portal.roles import BUREAU_ROLES, Role, has_role, is_bureau_user
from ciq_portal.scoping import scope_queryset
from declarations.models import Declaration

from .. import selectors, services
from ..choices import Agency
from ..filtersets import InspectionTaskFilterSet, JointInspectionFilterSet, TestReportFilterSet
from ..models import InspectionSite, InspectionTask, JointInspection, TestReport
from .serializers import (
    DeclarantInspectionSerializer,
    InspectionTaskSerializer,
    JointFindingRecordSerializer,
    JointInspectionSerializer,
    JointRequestSerializer,
    JointScheduleSerializer,
    ReassignSerializer,
    TaskReleaseSerializer,
    TestReportSerializer,
)

INSPECTORS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
# Every write on a task is the bureau's: the role is checked before the body is read or the task looked up.
TASK_WORKERS = [role_required(*INSPECTORS)]


_TASK_FOR_AUDIENCE = PolymorphicProxySerializer(
    component_name="InspectionTaskForAudience",
    serializers=[InspectionTaskSerializer, DeclarantInspectionSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(responses=_TASK_FOR_AUDIENCE),
    retrieve=extend_schema(responses=_TASK_FOR_AUDIENCE),
)
class InspectionTaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Inspection tasks. Bureau staff see them all; a declarant sees the inspection status of their own
    consignments only (no reasons, no inspector)."""

    lookup_value_regex = r"[0-9]+"
    permission_classes = [role_required(Role.DECLARANT, *BUREAU_ROLES)]
    queryset = InspectionTask.objects.none()

    @property
    def filterset_class(self):  # read by DjangoFilterBackend per request
        if getattr(self, "swagger_fake_view", False):
            return InspectionTaskFilterSet
        return selectors.inspection_task_filterset(user=self.request.user)

    def get_queryset(self):
        return selectors.inspection_task_list(user=self.request.user)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or is_bureau_user(self.request.user):
            return InspectionTaskSerializer
        return DeclarantInspectionSerializer

    def _task(self, pk):
        return selectors.inspection_task_get(user=self.request.user, pk=pk)

    @extend_schema(request=None, responses=InspectionTaskSerializer)
    @action(detail=True, methods=["post"], permission_classes=TASK_WORKERS)
    def claim(self, request, pk=None):
        task = services.inspection_task_claim(task=self._task(pk), actor=request.user)
        return Response(InspectionTaskSerializer(task).data)

    @extend_schema(request=TaskReleaseSerializer, responses=InspectionTaskSerializer)
    @action(detail=True, methods=["post"], permission_classes=TASK_WORKERS)
    def release(self, request, pk=None):
        serializer = TaskReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.inspection_task_release(task=self._task(pk), actor=request.user,
                                                reason=serializer.validated_data["reason"])
        return Response(InspectionTaskSerializer(task).data)

    @extend_schema(request=ReassignSerializer, responses=InspectionTaskSerializer)
    @action(detail=True, methods=["post"], permission_classes=[role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)])
    def reassign(self, request, pk=None):
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        officer = User.objects.filter(pk=serializer.validated_data["officer"]).first()
        if officer is None:
            raise DjangoValidationError({"officer": [_("No such officer.")]})
        task = services.inspection_task_reassign(task=self._task(pk), officer=officer,
                                                 reason=serializer.validated_data["reason"], actor=request.user)
        return Response(InspectionTaskSerializer(task).data)


class TestReportViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Third-party test reports submitted with a declaration, each with its acceptance check."""

    lookup_value_regex = r"[0-9]+"
    permission_classes = [role_required(Role.DECLARANT, *BUREAU_ROLES)]
    serializer_class = TestReportSerializer
    filterset_class = TestReportFilterSet
    queryset = TestReport.objects.none()

    def _declarations(self):
        return scope_queryset(Declaration.objects.all(), user=self.request.user)

    def get_queryset(self):
        return scope_queryset(TestReport.objects.all(), user=self.request.user,
                              enterprise_field="declaration__enterprise").order_by("-id")

    def get_serializer(self, *args, **kwargs):
        if getattr(self, "swagger_fake_view", False):
            kwargs["declaration_queryset"] = Declaration.objects.none()
        else:
            kwargs["declaration_queryset"] = self._declarations()
        return super().get_serializer(*args, **kwargs)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        results = [{"test_item": r["test_item"], "value": str(r["value"]), "unit": r.get("unit", "")}
                   for r in data.get("results", [])]
        report = services.test_report_submit(
            declaration=data["declaration"], lab_accreditation_no=data["lab_accreditation_no"],
            report_no=data["report_no"], issued_on=data["issued_on"], hs_codes=data["hs_codes"], results=results,
            lot_numbers=data.get("lot_numbers", ""), actor=request.user)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


def _principal_agency_kind(request) -> str:
    """The requesting agency's kind, mapped onto the joint inspection's agencies ("" when unknown)."""
    agency = principal_agency(request.user, getattr(request, "auth", None))
    kind = {"port_operator": Agency.PORT}.get(getattr(agency, "kind", ""), getattr(agency, "kind", ""))
    return kind if kind in Agency.values else ""


def _declaration_of_container(container_no: str):
    """The most recent declaration listing the container (for requests that name only the container)."""
    queryset = Declaration.objects.order_by("-id")
    if connection.vendor == "postgresql":
        return queryset.filter(containers__contains=[container_no]).first()
    return next((d for d in queryset.filter(containers__icontains=container_no)[:20]
                 if container_no in (d.containers or [])), None)


class JointInspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Joint inspections (一次开箱, 联合登临): a partner agency requests, the bureau schedules one appointment at
    one site, each agency records its findings, the agency reads the outcome."""

    lookup_value_regex = r"[0-9]+"
    permission_classes = [requires_scope("joint_inspection", allow_roles=set(INSPECTORS))]
    serializer_class = JointInspectionSerializer
    filterset_class = JointInspectionFilterSet
    queryset = JointInspection.objects.none()

    def get_queryset(self):
        return selectors.joint_inspection_list(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=JointRequestSerializer, responses={201: JointInspectionSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        if not has_role(request.user, Role.PARTNER_AGENCY, Role.SUPERVISOR, Role.ADMINISTRATOR):
            raise PermissionDenied(_("Joint inspections are requested by partner agencies."))
        serializer = JointRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["agency"] = data.get("agency") or _principal_agency_kind(request)
        number = data.pop("declaration_number", "")
        declaration = None
        if number:
            declaration = Declaration.objects.filter(number=number).first()
            if declaration is None:
                raise DjangoValidationError({"declaration_number": [_("No declaration with this number.")]})
        elif data.get("container_no") and data["kind"] == "container":
            declaration = _declaration_of_container(data["container_no"])
        joint = services.joint_inspection_request(actor=request.user, declaration=declaration, **data)
        return Response(JointInspectionSerializer(joint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=JointScheduleSerializer, responses=JointInspectionSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        if not has_role(request.user, *INSPECTORS):
            raise PermissionDenied(_("The bureau schedules joint inspections."))
        serializer = JointScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        site = InspectionSite.objects.filter(pk=serializer.validated_data["site"], active=True).first()
        joint = services.joint_inspection_schedule(joint=self.get_object(), site=site, actor=request.user,
                                                   appointment_at=serializer.validated_data["appointment_at"])
        return Response(JointInspectionSerializer(joint).data)

    @extend_schema(request=JointFindingRecordSerializer, responses=JointInspectionSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        serializer = JointFindingRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = serializer.validated_data["agency"]
        own = Agency.CIQ if is_bureau_user(request.user) else _principal_agency_kind(request)
        if agency != own and not (own == "" and agency != Agency.CIQ):
            raise PermissionDenied(_("Record the findings of your own agency."))
        joint = self.get_object()
        services.joint_finding_record(joint=joint, agency=agency, result=serializer.validated_data["result"],
                                      findings=serializer.validated_data["findings"], actor=request.user)
        joint.refresh_from_db()
        return Response(JointInspectionSerializer(joint).data)
