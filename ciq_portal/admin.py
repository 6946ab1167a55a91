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
