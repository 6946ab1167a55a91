"""The release dashboard's inspection-budget figures as JSON, for supervisors and risk analysts."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ciq_portal.api.permissions import role_required
from ciq_portal.roles import Role

from .. import selectors
from .serializers import DashboardQuerySerializer, ReleaseDashboardSerializer

DASHBOARD_READERS = (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.RISK_ANALYST)


class ReleaseDashboardView(APIView):
    """Per credit grade: decided, inspected, achieved against the budget, the random share, what each selection
    inspected, the harm cut-off in force and a 7-day trend; per site: inspections against capacity. Over the
    period's last 92 days at most (``first`` and ``last`` say which)."""

    permission_classes = [IsAuthenticated, role_required(*DASHBOARD_READERS)]

    @extend_schema(parameters=[DashboardQuerySerializer], responses={200: ReleaseDashboardSerializer})
    def get(self, request):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        data = query.validated_data
        period = selectors.Period(first=data.get("first") or today - timedelta(days=29), last=data.get("last") or today,
                                  port=(data.get("port") or "").upper(), grade=data.get("grade") or "")
        watch = selectors.budget_watch(period)
        period = watch["period"]
        body = {"first": period.first, "last": period.last, "port": period.port, "by_grade": watch["by_grade"],
                "by_site": watch["by_site"], "cutoffs_version": (watch["cutoffs"] or {}).get("version")}
        return Response(ReleaseDashboardSerializer(body).data)
