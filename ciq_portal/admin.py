from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, User

admin.site.register(User, UserAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited, not even by administrators."""

    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "seq"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Single window: read-only views (changes go through the services: /portal/agencies/, manage.py agency_client) ---
from .models import (  # noqa: E402
    Agency,
    AgencyApiKey,
    AgencyClient,
    MessageDelivery,
    OutboxEvent,
    Subscription,
    WebhookDelivery,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(_ReadOnly):
    list_display = ["code", "name_zh", "kind", "is_active"]


@admin.register(AgencyClient)
class AgencyClientAdmin(_ReadOnly):
    list_display = ["name", "agency", "user", "rate_limit", "is_active"]
    list_filter = ["agency"]


@admin.register(AgencyApiKey)
class AgencyApiKeyAdmin(_ReadOnly):
    list_display = ["prefix", "client", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]
    exclude = ["key_hash"]


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ["name", "url", "kind", "owner", "enterprise_id", "is_active"]
    exclude = ["secret"]


@admin.register(OutboxEvent)
class OutboxEventAdmin(_ReadOnly):
    list_display = ["event_type", "event_id", "enterprise_id", "created_at", "dispatched_at"]
    list_filter = ["event_type"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly):
    list_display = ["id", "event", "subscription", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]


@admin.register(MessageDelivery)
class MessageDeliveryAdmin(_ReadOnly):
    """Sent again from the bureau's page of messages (a service), never edited here."""

    list_display = ["id", "channel", "recipient", "purpose", "reference", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["recipient", "reference"]
