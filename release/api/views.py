"""The release REST face: thin views over services and selectors."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ciq_portal.api.permissions import requires_scope, role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import Role, is_bureau_user

from .. import selectors, services
from ..filtersets import ReleaseFilterSet
from ..models import NegativeListEntry, Release, ReleaseDecision
from .serializers import (
    BureauDecisionSerializer,
    ConcludeSerializer,
    DecisionSerializer,
    DistributionSerializer,
    MatrixSerializer,
    NegativeListSerializer,
    RecallOpenSerializer,
    RecallSerializer,
    ReleaseSerializer,
    ReportSupplySerializer,
    VerifySerializer,
)

DESK = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Released consignments (the paperless release order): declarants see their own, bureau staff all, partner
    agencies with the ``release_status:read`` scope all."""
    serializer_class = ReleaseSerializer
    permission_classes = [IsAuthenticated, requires_scope("release_status:read")]
    filterset_class = ReleaseFilterSet
    queryset = Release.objects.none()
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Release.objects.none()
        return selectors.release_list(user=self.request.user)

    def get_object(self):
        return selectors.release_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(methods=["GET"], responses={200: DistributionSerializer(many=True)})
    @extend_schema(methods=["POST"], request=DistributionSerializer, responses={201: DistributionSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=DistributionSerializer, pagination_class=None,
            permission_classes=[role_required(Role.DECLARANT, *DESK)])
    @idempotent
    def distributions(self, request, pk=None):
        release = self.get_object()
        if request.method == "GET":
            return Response(DistributionSerializer(release.distributions.all(), many=True).data)
        serializer = DistributionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = services.distribution_record_add(release=release, actor=request.user, **data)
        return Response(DistributionSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecallOpenSerializer, responses={201: RecallSerializer})
    @action(detail=True, methods=["post"], serializer_class=RecallOpenSerializer,
            permission_classes=[role_required(*DESK)])
    @idempotent
    def recall(self, request, pk=None):
        release = self.get_object()
        serializer = RecallOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recall = services.recall_open(release=release, source="manual", reason=serializer.validated_data["reason"],
                                      actor=request.user)
        return Response(RecallSerializer(recall).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: RecallSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=RecallSerializer, pagination_class=None,
            permission_classes=[role_required(Role.DECLARANT, *DESK)])  # the buyers are the importer's and ours
    def recalls(self, request, pk=None):
        return Response(RecallSerializer(self.get_object().recalls.all(), many=True).data)


@extend_schema_view(retrieve=extend_schema(responses=DecisionSerializer))
class ReleaseDecisionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A declaration's release decision, addressed by the declaration's id: mode and next step for the declarant;
    bureau staff also get matrix_version, matrix_mode, tier, grade, risk_score, forced_by, random_selected,
    inspection_required, inspection_reason, task and inputs. The steps of verify- and sample-release are actions."""
    permission_classes = [IsAuthenticated, role_required(Role.DECLARANT, *DESK, Role.RISK_ANALYST)]
    queryset = ReleaseDecision.objects.none()
    lookup_field = "declaration"
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or is_bureau_user(self.request.user):
            return BureauDecisionSerializer
        return DecisionSerializer

    def get_object(self):
        return selectors.decision_for_declaration(user=self.request.user, declaration_pk=self.kwargs["declaration"])

    def _answer(self, decision):
        decision = ReleaseDecision.objects.select_related("declaration").get(pk=decision.pk)
        return Response(self.get_serializer_class()(decision).data)

    @extend_schema(request=ReportSupplySerializer, responses={200: DecisionSerializer})
    @action(detail=True, methods=["post"], url_path="supply-report", serializer_class=ReportSupplySerializer,
            permission_classes=[role_required(Role.DECLARANT)])
    @idempotent
    def supply_report(self, request, declaration=None):
        decision = self.get_object()
        serializer = ReportSupplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.verify_report_supply(declaration=decision.declaration, actor=request.user,
                                      **serializer.validated_data)
        return self._answer(decision)

    @extend_schema(request=VerifySerializer, responses={200: DecisionSerializer})
    @action(detail=True, methods=["post"], serializer_class=VerifySerializer,
            permission_classes=[role_required(Role.OFFICER, Role.SUPERVISOR)])
    def verify(self, request, declaration=None):
        decision = self.get_object()
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = decision.declaration.test_reports.filter(pk=serializer.validated_data["report"]).first()
        if report is None:
            raise Http404
        services.verify_release_decide(declaration=decision.declaration, report=report,
                                       accept=serializer.validated_data["accept"],
                                       reason=serializer.validated_data["reason"], actor=request.user)
        return self._answer(decision)

    @extend_schema(request=None, responses={200: DecisionSerializer})
    @action(detail=True, methods=["post"], url_path="sample-release",
            permission_classes=[role_required(Role.OFFICER, Role.SUPERVISOR)])
    def sample_release(self, request, declaration=None):
        decision = self.get_object()
        if decision.task is None:
            raise Http404
        services.sample_release(task=decision.task, actor=request.user)
        return self._answer(decision)

    @extend_schema(request=ConcludeSerializer, responses={200: DecisionSerializer})
    @action(detail=True, methods=["post"], serializer_class=ConcludeSerializer,
            permission_classes=[role_required(Role.OFFICER, Role.SUPERVISOR)])
    def conclude(self, request, declaration=None):
        decision = self.get_object()
        if decision.task is None:
            raise Http404
        serializer = ConcludeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.clearance_conclude(task=decision.task, actor=request.user, **serializer.validated_data)
        return self._answer(decision)


class ReleaseMatrixView(APIView):
    """GET: the matrix in force (version 0 = built-in defaults). POST (supervisors): a new version."""
    permission_classes = [IsAuthenticated, role_required(*DESK, Role.RISK_ANALYST)]
    serializer_class = MatrixSerializer

    @extend_schema(responses={200: MatrixSerializer})
    def get(self, request):
        current = selectors.release_matrix_versions().first()
        if current is None:
            version, cells = selectors.release_matrix_current()
            return Response({"version": version, "cells": cells, "note": "", "created_at": None})
        return Response(MatrixSerializer(current).data)

    @extend_schema(request=MatrixSerializer, responses={201: MatrixSerializer})
    def post(self, request):
        serializer = MatrixSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.release_matrix_update(cells=serializer.validated_data["cells"],
                                                 note=serializer.validated_data.get("note", ""), actor=request.user)
        return Response(MatrixSerializer(version).data, status=status.HTTP_201_CREATED)


class NegativeListViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                          viewsets.GenericViewSet):
    """The negative list (bureau staff read it; supervisors add and remove entries)."""
    serializer_class = NegativeListSerializer
    permission_classes = [IsAuthenticated, role_required(*DESK, Role.RISK_ANALYST)]
    queryset = NegativeListEntry.objects.none()
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return selectors.negative_list()

    def perform_create(self, serializer):
        serializer.instance = services.negative_list_add(actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.negative_list_retire(entry=instance, actor=self.request.user)


class CertificateVerifyView(APIView):
    """Public: is this certificate genuine and unchanged, and does it still stand? (``s``: the signature its QR code
    carries, optional). The answer carries the signed content and the signature, to check against /public/keys/."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: dict, 404: dict})
    def get(self, request, number):
        result = selectors.certificate_verify(number, request.query_params.get("s"))
        body = {"number": number, "genuine": result.genuine}
        if result.genuine:
            body = selectors.certificate_record(result.certificate, result)
        return Response(body, status=200 if result.genuine else 404)
