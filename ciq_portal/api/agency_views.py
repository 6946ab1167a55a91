"""The single window's own API: agency credentials, subscriptions, webhook deliveries, in-app notifications."""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..agencies import agency_api_key_rotate, is_agency_principal, principal_scopes, user_agency_client
from ..filtersets import AuditHeadFilterSet
from ..idempotency import idempotent
from ..models import (
    AgencyApiKey,
    AgencyScope,
    AuditHead,
    DeliveryStatus,
    EventType,
    Notification,
    Subscription,
    WebhookDelivery,
)
from ..notifications import (
    MissingScopeError,
    delivery_list,
    notification_list,
    notification_mark_read,
    notification_unread_count,
    subscription_create,
    subscription_delete,
    subscription_list,
    subscription_update,
    webhook_delivery_replay,
)
from ..transparency import head_record, published_heads
from .agency_auth import MissingScope, requires_scope
from .agency_serializers import (
    AgencyApiKeySerializer,
    AgencyKeyRotateRequestSerializer,
    AgencyKeyRotateResponseSerializer,
    AgencyMeSerializer,
    AuditHeadSerializer,
    NotificationMarkReadResponseSerializer,
    NotificationMarkReadSerializer,
    NotificationSerializer,
    SubscriptionCreatedSerializer,
    SubscriptionSerializer,
    WebhookDeliveryDetailSerializer,
    WebhookDeliverySerializer,
)

AGENCY = "partner-agency"
DECLARANT = "declarant"
BUREAU = "bureau"
NOTIFICATIONS = "notifications"


class IsAgencyPrincipal(BasePermission):
    message = gettext_lazy("Only partner agencies use this operation.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_agency_principal(request.user, request.auth))


def _positive_int(value) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**63 else None


def _authenticated_by(request) -> str:
    if isinstance(request.auth, AgencyApiKey):
        return "api_key"
    return "token" if request.auth is not None else "session"


class AgencyMeView(APIView):
    """Who the credentials act for: agency, client, scopes and rate limit."""

    permission_classes = [IsAgencyPrincipal]

    @extend_schema(responses=AgencyMeSerializer, tags=[AGENCY], operation_id="agency_me")
    def get(self, request):
        client = request.auth.client if isinstance(request.auth, AgencyApiKey) else user_agency_client(request.user)
        default_rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["agency"]
        return Response(AgencyMeSerializer({
            "agency": client.agency.code if client else None,
            "agency_name": client.agency.display_name if client else None,
            "client": client.name if client else None,
            "username": request.user.username,
            "scopes": sorted(principal_scopes(request.user, request.auth)),
            "rate_limit": (client.rate_limit if client and client.rate_limit else default_rate),
            "authenticated_by": _authenticated_by(request),
        }).data)


class AgencyKeyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The API keys of the calling agency client (prefixes only; keys are never shown again)."""

    serializer_class = AgencyApiKeySerializer
    permission_classes = [IsAgencyPrincipal]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        client = (self.request.auth.client if isinstance(self.request.auth, AgencyApiKey)
                  else user_agency_client(self.request.user))
        if client is None:
            return AgencyApiKey.objects.none()
        return AgencyApiKey.objects.filter(client=client).order_by("-created_at", "-id")

    @extend_schema(tags=[AGENCY], operation_id="agency_keys_list")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AgencyKeyRotateRequestSerializer, responses={201: AgencyKeyRotateResponseSerializer},
                   tags=[AGENCY], operation_id="agency_keys_rotate")
    @action(detail=False, methods=["post"])
    def rotate(self, request):
        """Replace the key used for this request; the old key keeps working for ``grace_hours`` (default 24)."""
        if not isinstance(request.auth, AgencyApiKey):
            raise PermissionDenied(_("Rotate a key by calling with that key (Authorization: Api-Key ...)."))
        params = AgencyKeyRotateRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        old = request.auth
        new_key, raw = agency_api_key_rotate(key=old, actor=request.user,
                                             grace=timedelta(hours=params.validated_data["grace_hours"]))
        old.refresh_from_db()
        return Response(AgencyKeyRotateResponseSerializer({
            "key": raw, "prefix": new_key.prefix, "previous_prefix": old.prefix,
            "previous_expires_at": old.expires_at,
        }).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU]),
    retrieve=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU]),
    update=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU]),
    partial_update=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU]),
    destroy=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU]),
)
class SubscriptionViewSet(viewsets.ModelViewSet):
    """Webhook subscriptions: event types, a URL and a signing secret.

    Declarants' subscriptions receive their own enterprise's events only; agencies' need, for each event type,
    the scope listed in the agency guide; supervisors and administrators see every subscription.
    """

    queryset = Subscription.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = SubscriptionSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["is_active", "kind"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return subscription_list(user=self.request.user)

    @extend_schema(request=SubscriptionSerializer, responses={201: SubscriptionCreatedSerializer},
                   tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU])
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            subscription, secret = subscription_create(
                actor=request.user, auth=request.auth, url=data["url"], event_types=data["event_types"],
                secret=data.get("secret", ""), name=data.get("name", ""))
        except MissingScopeError as exc:
            raise MissingScope(str(exc)) from exc
        body = SubscriptionCreatedSerializer(subscription).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        try:
            serializer.instance = subscription_update(subscription=serializer.instance, actor=self.request.user,
                                                      auth=self.request.auth, **serializer.validated_data)
        except MissingScopeError as exc:
            raise MissingScope(str(exc)) from exc

    def perform_destroy(self, instance):
        subscription_delete(subscription=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU], parameters=[
        OpenApiParameter("status", str, enum=DeliveryStatus.values),
        OpenApiParameter("event_type", str, enum=EventType.values),
        OpenApiParameter("subscription", int, description="Deliveries of this subscription"),
    ]),
    retrieve=extend_schema(tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU], responses=WebhookDeliveryDetailSerializer),
)
class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Deliveries of your subscriptions (all of them for supervisors and administrators), with the attempt log."""

    queryset = WebhookDelivery.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = WebhookDeliverySerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        return delivery_list(user=self.request.user, filters={
            "status": params.get("status"), "event_type": params.get("event_type"),
            "subscription": _positive_int(params.get("subscription")),
        })

    def get_serializer_class(self):
        return WebhookDeliveryDetailSerializer if self.action in ("retrieve", "replay") else WebhookDeliverySerializer

    @extend_schema(request=None, responses={202: WebhookDeliveryDetailSerializer},
                   tags=[NOTIFICATIONS, AGENCY, DECLARANT, BUREAU])
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send the event again with a fresh round of attempts (e.g. a dead letter once the receiver is fixed)."""
        delivery = webhook_delivery_replay(delivery=self.get_object(), actor=request.user)
        delivery.refresh_from_db()
        return Response(WebhookDeliveryDetailSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(list=extend_schema(tags=[NOTIFICATIONS, DECLARANT, BUREAU],
                                      parameters=[OpenApiParameter("unread", bool, description="Only unread ones")]),
                    retrieve=extend_schema(tags=[NOTIFICATIONS, DECLARANT, BUREAU]))
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your in-app notifications (the bell), newest first."""

    queryset = Notification.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        rows = notification_list(user=self.request.user).select_related("event")
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=NotificationMarkReadSerializer, responses=NotificationMarkReadResponseSerializer,
                   tags=[NOTIFICATIONS, DECLARANT, BUREAU])
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        params = NotificationMarkReadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        marked = notification_mark_read(user=request.user, pks=params.validated_data.get("ids"))
        return Response({"marked": marked, "unread": notification_unread_count(request.user)})



@extend_schema_view(get=extend_schema(tags=[AGENCY, BUREAU], operation_id="audit_heads_list"))
class AuditHeadListView(generics.ListAPIView):
    """The audit log's published heads, one per day, newest first (also public at /public/audit/heads.json). Keep
    them: a rewrite of the log is detected against the heads kept outside the bureau."""

    queryset = AuditHead.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = AuditHeadSerializer
    permission_classes = [IsAuthenticated, requires_scope(AgencyScope.AUDIT_HEADS_READ)]
    filterset_class = AuditHeadFilterSet
    ordering_fields = []

    def get_queryset(self):
        return published_heads()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return [head_record(head) for head in page] if page is not None else None
