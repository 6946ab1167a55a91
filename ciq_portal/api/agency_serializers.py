from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import (
    AgencyApiKey,
    AgencyScope,
    DeliveryAttempt,
    EventType,
    Notification,
    Subscription,
    WebhookDelivery,
)


class AgencyMeSerializer(serializers.Serializer):
    agency = serializers.CharField(allow_null=True, help_text="Agency code")
    agency_name = serializers.CharField(allow_null=True)
    client = serializers.CharField(allow_null=True)
    username = serializers.CharField()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=AgencyScope.choices))
    rate_limit = serializers.CharField()
    authenticated_by = serializers.ChoiceField(choices=["api_key", "token", "session"])


class AgencyApiKeySerializer(serializers.ModelSerializer):
    usable = serializers.SerializerMethodField()

    class Meta:
        model = AgencyApiKey
        fields = ["prefix", "label", "created_at", "expires_at", "revoked_at", "last_used_at", "usable"]

    def get_usable(self, key) -> bool:
        return key.is_usable()


class AgencyKeyRotateRequestSerializer(serializers.Serializer):
    grace_hours = serializers.IntegerField(min_value=0, max_value=168, default=24, label=_("grace period (hours)"),
                                           help_text="How long the key used for this request keeps working.")


class AgencyKeyRotateResponseSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The new key: shown once, store it now.")
    prefix = serializers.CharField()
    previous_prefix = serializers.CharField()
    previous_expires_at = serializers.DateTimeField()


class SubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False,
                                        label=_("event types"))
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, min_length=16, max_length=128,
                                   label=_("secret"),
                                   help_text="Key of the HMAC-SHA256 signature; generated when omitted.")

    class Meta:
        model = Subscription
        fields = ["id", "name", "url", "event_types", "secret", "is_active", "kind", "enterprise_id", "created_at"]
        read_only_fields = ["id", "kind", "enterprise_id", "created_at"]

    def validate_url(self, value):
        if not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError(_("Use an http or https URL."))
        return value


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text="The signing secret: shown only in this answer.")


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "started_at", "duration_ms", "status_code", "ok", "error", "response_excerpt", "retry_in"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.event_id", read_only=True)
    event_type = serializers.CharField(source="event.event_type", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "subscription", "event_id", "event_type", "status", "attempts", "next_attempt_at",
                  "last_status_code", "last_error", "delivered_at", "dead_at", "created_at"]


class WebhookDeliveryDetailSerializer(WebhookDeliverySerializer):
    attempt_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta(WebhookDeliverySerializer.Meta):
        fields = [*WebhookDeliverySerializer.Meta.fields, "attempt_log"]


class NotificationSerializer(serializers.ModelSerializer):
    event_type_label = serializers.CharField(source="get_event_type_display", read_only=True)
    message = serializers.CharField(source="text", read_only=True, help_text="In the language of the request.")
    event_id = serializers.UUIDField(source="event.event_id", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "event_type", "event_type_label", "event_id", "message", "reference", "link", "created_at",
                  "read_at"]


class NotificationMarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=1000,
                                help_text="Notifications to mark read; all unread ones when omitted.")


class NotificationMarkReadResponseSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class AuditHeadSerializer(serializers.Serializer):
    """A published head of the audit chain: keep it; `manage.py audit_verify --against` checks the log against it."""

    day = serializers.DateField(help_text="The day whose last signed head this is (Asia/Shanghai)")
    rows = serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2,
                                 help_text="First and last row (sequence numbers) of the day")
    head_hash = serializers.CharField(help_text="SHA-256 chain hash of the day's last row")
    key_id = serializers.CharField(help_text="Id of the signing key (see /public/keys/)")
    signed = serializers.DictField(help_text="What the signature covers, as canonical JSON (sorted keys, no spaces)")
    signature = serializers.CharField(help_text="Ed25519 signature of the canonical JSON of `signed`, base64url")
    published_at = serializers.DateTimeField()
