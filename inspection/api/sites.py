"""/api/v1/inspection-sites/: the bureau's inspection sites. Bureau staff read; administrators register and change
them; administrators and supervisors close one for a period (its open tasks re-routed)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ciq_portal.api.permissions import role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import BUREAU_ROLES, Role

from .. import selectors, services
from ..choices import SiteCapability, SiteDangerousGoodsClass
from ..filtersets import InspectionSiteFilterSet
from ..models import InspectionSite, SiteClosure


class InspectionSiteSerializer(serializers.ModelSerializer):
    capabilities = serializers.ListField(child=serializers.ChoiceField(choices=SiteCapability.choices),
                                         required=False, default=list)
    dg_classes = serializers.ListField(child=serializers.ChoiceField(choices=SiteDangerousGoodsClass.choices),
                                       required=False, default=list,
                                       help_text="Hazard classes a dangerous-goods site takes; none: every class.")
    port = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = InspectionSite
        fields = ["id", "code", "name", "name_en", "kind", "port", "capacity_per_day", "capabilities", "dg_classes",
                  "opens_at", "closes_at", "active"]
        read_only_fields = ["id"]


class SiteClosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = SiteClosure
        fields = ["id", "site", "first_day", "last_day", "reason", "rerouted", "created_at"]
        read_only_fields = ["id", "site", "rerouted", "created_at"]


class InspectionSiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Inspection sites: what each takes (kind, capabilities, hazard classes), its capacity and hours."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = InspectionSiteSerializer
    filterset_class = InspectionSiteFilterSet
    queryset = InspectionSite.objects.none()

    def get_permissions(self):
        roles = {"create": (Role.ADMINISTRATOR,), "update": (Role.ADMINISTRATOR,),
                 "partial_update": (Role.ADMINISTRATOR,),
                 "close": (Role.ADMINISTRATOR, Role.SUPERVISOR)}.get(self.action, tuple(BUREAU_ROLES))
        return [IsAuthenticated(), role_required(*roles)()]

    def get_queryset(self):
        return selectors.site_list(user=self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "active"}
        site = services.site_create(actor=request.user, **data)
        return Response(self.get_serializer(site).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        site = services.site_update(site=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(site).data)

    @extend_schema(request=SiteClosureSerializer, responses={201: SiteClosureSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        serializer = SiteClosureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closure = services.site_close(site=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(SiteClosureSerializer(closure).data, status=status.HTTP_201_CREATED)
