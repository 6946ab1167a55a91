"""The portal's own records in the admin, read-only (ciq_portal/admin_site.py): accounts, roles and API tokens
change through the portal's services (audited), the audit log never, the single window through /portal/agencies/
and manage.py agency_client, and a lost authenticator is replaced by its owner."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .admin_site import ReadOnlyAdmin
from .models import (
    Agency,
    AgencyApiKey,
    AgencyClient,
    AuditEntry,
    MessageDelivery,
    OutboxEvent,
    Subscription,
    User,
    WebhookDelivery,
)


@admin.register(User)
class ReadOnlyUserAdmin(ReadOnlyAdmin, UserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "last_login"]


for model, model_admin in ((Group, GroupAdmin), (TokenProxy, TokenAdmin), (TOTPDevice, TOTPDeviceAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, type(f"ReadOnly{model_admin.__name__}", (ReadOnlyAdmin, model_admin), {}))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is never edited, not even by administrators."""

    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "seq"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_username"]


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "kind", "is_active"]


@admin.register(AgencyClient)
class AgencyClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "user", "rate_limit", "is_active"]
    list_filter = ["agency"]


@admin.register(AgencyApiKey)
class AgencyApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "client", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]
    exclude = ["key_hash"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["name", "url", "kind", "owner", "enterprise_id", "is_active"]
    exclude = ["secret"]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "event_id", "enterprise_id", "created_at", "dispatched_at"]
    list_filter = ["event_type"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "subscription", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]


@admin.register(MessageDelivery)
class MessageDeliveryAdmin(ReadOnlyAdmin):
    """Sent again from the bureau's page of messages (a service), never edited here."""

    list_display = ["id", "channel", "recipient", "purpose", "reference", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["recipient", "reference"]
