from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from ciq_portal.api.permissions import requires_scope, role_required
from ciq_portal.models import AgencyScope
from ciq_portal.roles import BUREAU_ROLES, Role

from ..filtersets import RiskAssessmentFilterSet, RiskBulletinFilterSet, RiskRuleFilterSet
from ..selectors import assessment_list, bulletin_list, rule_list
from .serializers import RiskAssessmentSerializer, RiskBulletinSerializer, RiskRuleSerializer


class RiskAssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Risk assessments with their reasons. Bureau staff only: for anyone else the list is empty and every
    assessment answers 404 (risk reasons are never shown to declarants)."""

    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilterSet
    permission_classes = [role_required(Role.DECLARANT, *BUREAU_ROLES)]

    def get_queryset(self):
        return assessment_list(user=self.request.user)


class RiskBulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Risk bulletins: published ones for partner agencies and officers, all of them for analysts."""

    serializer_class = RiskBulletinSerializer
    filterset_class = RiskBulletinFilterSet
    permission_classes = [IsAuthenticated, requires_scope(AgencyScope.BULLETINS_READ)]

    def get_queryset(self):
        return bulletin_list(user=self.request.user)


class RiskRuleViewSet(viewsets.ReadOnlyModelViewSet):
    """Risk rules (read-only; analysts edit them in the browser)."""

    serializer_class = RiskRuleSerializer
    filterset_class = RiskRuleFilterSet
    permission_classes = [role_required(Role.RISK_ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR)]

    def get_queryset(self):
        return rule_list(user=self.request.user)
