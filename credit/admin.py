from django.contrib import admin

from .models import Enterprise, EnterpriseMembership


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "uscc", "kind", "status", "credit_grade"]
    list_filter = ["kind", "status", "credit_grade"]
    search_fields = ["name_zh", "name_en", "uscc", "external_id"]
    readonly_fields = ["credit_grade"]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise"]
    raw_id_fields = ["user", "enterprise"]
