"""/api/v1/case-referrals/: case referrals between the bureau and partner agencies (scope ``case_referral``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ciq_portal.api.agency_auth import requires_scope
from ciq_portal.idempotency import idempotent
from ciq_portal.models import AgencyScope
from ciq_portal.roles import Role

from .. import selectors, services
from ..choices import ReferralKind, ReferralOutcome
from ..filtersets import CaseReferralFilterSet
from ..models import CaseEvidence, CaseReferral

BUREAU_ACTORS = {Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}
TAGS = ["case-referrals", "partner-agency", "bureau"]


class CaseEvidenceSerializer(serializers.ModelSerializer):
    added_by = serializers.CharField(source="added_by.username", read_only=True)
    document_name = serializers.CharField(source="document.original_name", read_only=True, default=None,
                                          allow_null=True)

    class Meta:
        model = CaseEvidence
        fields = ["id", "description", "reference", "document", "document_name", "added_by", "added_at"]
        read_only_fields = fields


class CaseReferralSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    declaration_number = serializers.CharField(source="declaration.number", read_only=True, default=None,
                                               allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name_zh", read_only=True, default=None,
                                            allow_null=True)
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices, read_only=True, allow_blank=True)
    referred_by = serializers.CharField(source="referred_by.username", read_only=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = CaseReferral
        fields = ["id", "number", "direction", "kind", "status", "agency", "declaration_number", "enterprise_name",
                  "container_no", "summary", "details", "external_reference", "referred_by", "referred_at",
                  "acknowledged_at", "acknowledgement_note", "outcome", "outcome_detail", "outcome_at",
                  "withdrawn_reason", "evidence"]
        read_only_fields = fields


class EvidenceInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300, label=_("description"))
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                      label=_("reference"))
    document = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                        max_value=2**63 - 1,
                                        help_text="Id of a document of the referred declaration (bureau only)")


class CaseReferralCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferralKind.choices, label=_("kind"))
    summary = serializers.CharField(max_length=300, label=_("summary"))
    details = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    agency = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                   help_text="Bureau only: code of the agency the case is referred to. Agencies "
                                             "refer to the bureau and leave it out.")
    declaration_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    container_no = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    external_reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                               help_text="The agency's own case number")
    evidence = EvidenceInputSerializer(many=True, required=False, default=list)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    external_reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices)
    detail = serializers.CharField(max_length=8000)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


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
