from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ciq_portal.api.agency_auth import requires_scope
from ciq_portal.api.permissions import role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.models import AgencyScope
from ciq_portal.roles import BUREAU_ROLES, Role, has_role

from ..choices import CreditEventSource
from ..filtersets import CreditEventFilterSet, EnterpriseFilterSet
from ..policy import BUDGET_FIELD_FOR_GRADE, FIELD_FOR_GRADE
from ..selectors import (
    credit_event_filterset,
    credit_event_get,
    credit_event_list,
    delegation_get_granted,
    delegation_list,
    enterprise_for_event,
    enterprise_get,
    enterprise_list,
    inspection_policy_versions,
)
from ..services import credit_event_record, delegation_grant, delegation_revoke, inspection_policy_update
from .serializers import (
    CreditEventPushSerializer,
    CreditEventSerializer,
    DelegationGrantSerializer,
    DelegationSerializer,
    EnterpriseSerializer,
    InspectionPolicySerializer,
)

EVENT_PUSHERS = (Role.PARTNER_AGENCY, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
# Partner agencies (API keys or users of role partner_agency) need the credit-exchange scope (§6).
CREDIT_EXCHANGE = requires_scope(AgencyScope.CREDIT_EXCHANGE)


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope, each with its current credit grade."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    permission_classes = [IsAuthenticated, CREDIT_EXCHANGE]
    ordering_fields = ["name_zh", "credit_grade"]

    def get_queryset(self):
        return enterprise_list(user=self.request.user)

    def get_object(self):
        return enterprise_get(user=self.request.user, pk=self.kwargs["pk"])


class CreditEventViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Credit events. Declarants read their own enterprise's; partner agencies push (idempotent by
    ``external_reference``) and read what they pushed; bureau staff read all."""

    serializer_class = CreditEventSerializer
    ordering_fields = ["occurred_on", "id"]

    @property
    def filterset_class(self):  # read by DjangoFilterBackend per request
        if getattr(self, "swagger_fake_view", False):
            return CreditEventFilterSet
        return credit_event_filterset(user=self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [role_required(*EVENT_PUSHERS)(), CREDIT_EXCHANGE()]
        return [IsAuthenticated(), CREDIT_EXCHANGE()]

    def get_queryset(self):
        return credit_event_list(user=self.request.user)

    def get_object(self):
        return credit_event_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=CreditEventPushSerializer, responses={201: CreditEventSerializer,
                                                                 200: CreditEventSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        push = CreditEventPushSerializer(data=request.data)
        push.is_valid(raise_exception=True)
        data = push.validated_data
        enterprise = enterprise_for_event(pk=data.get("enterprise"), uscc=data.get("enterprise_uscc") or "")
        agency = has_role(request.user, Role.PARTNER_AGENCY)
        event = credit_event_record(
            enterprise=enterprise, kind=data["kind"],
            source=CreditEventSource.PARTNER_AGENCY if agency else CreditEventSource.OFFICER,
            occurred_on=data.get("occurred_on"), weight=data.get("weight"), amount=data.get("amount"),
            evidence_type=data["evidence_type"], evidence_id=data["evidence_id"],
            external_reference=data["external_reference"], note=data["note"], actor=request.user)
        body = CreditEventSerializer(event, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if getattr(event, "created", True) else status.HTTP_200_OK)


class CreditPolicyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The differentiated-supervision table: each grade's inspection budget (the share inspected in all) and random
    ratio (the share drawn at random), versioned (newest first).

    Anyone signed in reads it; supervisors create a new version (POST), refused with field errors if it breaks a
    rule (national rules, a better grade's budget above a worse one's, a random ratio above its budget). Without
    budgets, each grade's budget is its random ratio."""

    serializer_class = InspectionPolicySerializer
    lookup_field = "version"
    filter_backends = []

    def get_permissions(self):
        if self.action == "create":
            return [role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return inspection_policy_versions()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        policy = inspection_policy_update(
            ratios={field: data[field] for field in FIELD_FOR_GRADE.values()},
            budgets={field: data.get(field) for field in BUDGET_FIELD_FOR_GRADE.values()}
            if any(field in data for field in BUDGET_FIELD_FOR_GRADE.values()) else None,
            note=data.get("note", ""), actor=request.user)
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)


class DelegationViewSet(viewsets.ReadOnlyModelViewSet):
    """Delegations to customs brokers: those the caller's enterprise granted (as an importer) or holds (as a
    broker). An importer's administrator grants one (POST) and revokes it (POST .../revoke/), effective at once."""

    serializer_class = DelegationSerializer
    permission_classes = [role_required(Role.DECLARANT, *BUREAU_ROLES)]
    filter_backends = []

    def get_queryset(self):
        return delegation_list(user=self.request.user)

    @extend_schema(request=DelegationGrantSerializer, responses={201: DelegationSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = DelegationGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        delegation = delegation_grant(actor=request.user, **serializer.validated_data)
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        delegation = delegation_revoke(actor=request.user, delegation=delegation_get_granted(user=request.user,
                                                                                             pk=pk))
        return Response(DelegationSerializer(delegation).data)
