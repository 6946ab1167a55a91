"""Mail and SMS deliveries over the API, for the bureau's own systems: the list the bureau's page shows, and
sending a failed message again."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..filtersets import MessageDeliveryFilterSet
from ..messaging import MESSAGE_ROLES, message_delivery_list, message_delivery_retry
from ..models import MessageDelivery
from .permissions import role_required


class MessageDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageDelivery
        fields = ["id", "channel", "recipient", "subject", "purpose", "reference", "enterprise_id", "status",
                  "attempts", "last_error", "created_at", "last_attempt_at", "sent_at"]
        read_only_fields = fields


class MessageDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every e-mail and SMS the portal sent or tries to send, newest first (supervisors and administrators)."""

    queryset = MessageDelivery.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = MessageDeliverySerializer
    permission_classes = [role_required(*MESSAGE_ROLES)]
    filterset_class = MessageDeliveryFilterSet
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return message_delivery_list(user=self.request.user)

    @extend_schema(request=None, responses={202: MessageDeliverySerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send a failed message again, with a fresh round of attempts (e.g. once the mail server is fixed)."""
        delivery = message_delivery_retry(delivery=self.get_object(), actor=request.user)
        delivery.refresh_from_db()
        return Response(MessageDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
