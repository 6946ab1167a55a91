"""/api/v1/case-referrals/: case referrals between the bureau and partner agencies (scope ``case_referral``)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ciq_portal.api.agency_auth import requires_scope
from ciq_portal.idempotency import idempotent
from ciq_portal.models import AgencyScope
from ciq_portal.roles import Role

from .. import selectors, services
from ..filtersets import CaseReferralFilterSet
from ..models import CaseReferral
from .serializers import (
    AcknowledgeSerializer,
    CaseReferralCreateSerializer,
    CaseReferralSerializer,
    EvidenceInputSerializer,
    OutcomeSerializer,
    WithdrawSerializer,
)

BUREAU_ACTORS = {Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}
TAGS = ["case-referrals", "partner-agency", "bureau"]


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class CaseReferralViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases referred by the bureau to a partner agency, or by an agency to the bureau (案件通报移交).

    The receiving side acknowledges (``acknowledge``) and reports the outcome (``outcome``); the referring side
    may ``withdraw``; either side adds ``evidence`` while the case is open. Agencies need the scope
    ``case_referral`` and see only their own agency's cases; declarants never see any.
    """

    queryset = CaseReferral.objects.none()
    serializer_class = CaseReferralSerializer
    filterset_class = CaseReferralFilterSet
    permission_classes = [requires_scope(AgencyScope.CASE_REFERRAL, allow_roles=BUREAU_ACTORS | {Role.RISK_ANALYST})]
    ordering_fields = ["referred_at"]

    def get_permissions(self):
        if self.request is not None and self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return [requires_scope(AgencyScope.CASE_REFERRAL, allow_roles=BUREAU_ACTORS)()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CaseReferral.objects.none()
        return selectors.case_referral_list(user=self.request.user).prefetch_related("evidence__document",
                                                                                     "evidence__added_by")

    def get_object(self):
        return selectors.case_referral_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=CaseReferralCreateSerializer, responses={201: CaseReferralSerializer}, tags=TAGS)
    @idempotent
    def create(self, request, *args, **kwargs):
        params = CaseReferralCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        data["agency"] = data.get("agency") or None
        referral = services.case_referral_create(actor=request.user, **data)
        return Response(CaseReferralSerializer(selectors.case_referral_get(user=request.user, pk=referral.pk)).data,
                        status=status.HTTP_201_CREATED)

    def _answer(self, referral):
        return Response(CaseReferralSerializer(selectors.case_referral_get(user=self.request.user,
                                                                           pk=referral.pk)).data)

    @extend_schema(request=AcknowledgeSerializer, responses=CaseReferralSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        params = AcknowledgeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(services.case_referral_acknowledge(referral=self.get_object(), actor=request.user,
                                                               **params.validated_data))

    @extend_schema(request=OutcomeSerializer, responses=CaseReferralSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        params = OutcomeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(services.case_referral_report_outcome(referral=self.get_object(), actor=request.user,
                                                                  **params.validated_data))

    @extend_schema(request=WithdrawSerializer, responses=CaseReferralSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        params = WithdrawSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(services.case_referral_withdraw(referral=self.get_object(), actor=request.user,
                                                            **params.validated_data))

    @extend_schema(request=EvidenceInputSerializer, responses={201: CaseReferralSerializer}, tags=TAGS)
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        params = EvidenceInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        referral = self.get_object()
        services.case_evidence_add(referral=referral, actor=request.user, **params.validated_data)
        response = self._answer(referral)
        response.status_code = status.HTTP_201_CREATED
        return response
