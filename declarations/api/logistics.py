"""/api/v1/logistics-events/: the port and partner agencies push logistics steps (scope ``logistics:push``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from ciq_portal.agencies import principal_agency
from ciq_portal.api.agency_auth import requires_scope
from ciq_portal.models import AgencyScope
from ciq_portal.roles import BUREAU_ROLES, Role

from .. import selectors, services
from ..choices import LogisticsEventKind
from ..filtersets import LogisticsEventFilterSet
from ..models import LogisticsEvent

PUSHERS = {Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}
READERS = {Role.DECLARANT, *BUREAU_ROLES}


class LogisticsEventSerializer(serializers.ModelSerializer):
    declarations = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True,
                                                help_text="Numbers of the declarations listing the container")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LogisticsEvent
        fields = ["id", "source", "external_id", "kind", "kind_label", "container_no", "bill_of_lading",
                  "vessel_voyage", "location", "occurred_at", "received_at", "declarations"]
        read_only_fields = fields


class LogisticsEventPushSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, label=_("event id at the source"),
                                        help_text="Your own id of the event: pushing it again records it once.")
    kind = serializers.ChoiceField(choices=LogisticsEventKind.choices, label=_("kind"))
    container_no = serializers.CharField(max_length=16, label=_("container number"))
    occurred_at = serializers.DateTimeField(label=_("occurred at"), help_text="ISO 8601 with a time zone")
    bill_of_lading = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    vessel_voyage = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=120, required=False, allow_blank=True, default="",
                                     help_text="Berth, yard or inspection site")


TAGS = ["logistics-events", "partner-agency", "bureau"]


@extend_schema_view(
    list=extend_schema(tags=[*TAGS, "declarant"]),
    retrieve=extend_schema(tags=[*TAGS, "declarant"]),
)
class LogisticsEventViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Logistics steps of containers: vessel berthed, container discharged, moved to the inspection site, site gate
    in and out, port release. Agencies need the scope ``logistics:push`` and see the events they pushed."""

    queryset = LogisticsEvent.objects.none()
    serializer_class = LogisticsEventSerializer
    filterset_class = LogisticsEventFilterSet
    ordering_fields = ["occurred_at", "received_at"]

    def get_permissions(self):
        roles = PUSHERS if self.action == "create" else READERS
        return [requires_scope(AgencyScope.LOGISTICS_PUSH, allow_roles=roles)()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LogisticsEvent.objects.none()
        return selectors.logistics_event_list(user=self.request.user)

    def get_object(self):
        return selectors.logistics_event_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=LogisticsEventPushSerializer,
                   responses={201: LogisticsEventSerializer, 200: LogisticsEventSerializer}, tags=TAGS)
    def create(self, request, *args, **kwargs):
        """Push one step. A repeated ``external_id`` with the same content answers 200 with the recorded event
        (header ``Idempotent-Replayed: true``); with other content, 400 naming ``external_id``. Steps out of order
        for the container are refused with 400 naming ``occurred_at``."""
        params = LogisticsEventPushSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        event, created = services.logistics_event_push(
            actor=request.user, agency=principal_agency(request.user, request.auth), **params.validated_data)
        response = Response(LogisticsEventSerializer(event).data,
                            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response
