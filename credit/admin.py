from django.contrib import admin

from .models import CreditEvent, Enterprise, EnterpriseMembership, GradeChange, GradeObjection, InspectionPolicy


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "uscc", "kind", "status", "credit_grade"]
    list_filter = ["kind", "status", "credit_grade"]
    search_fields = ["name_zh", "name_en", "uscc", "external_id"]
    readonly_fields = ["credit_grade", "credit_score", "credit_graded_at"]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise"]
    raw_id_fields = ["user", "enterprise"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Credit records change only through credit services (audited); the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "occurred_on", "weight", "amount", "source", "source_name",
                    "external_reference"]
    list_filter = ["kind", "source"]
    search_fields = ["enterprise__name_zh", "enterprise__uscc", "external_reference", "evidence_id"]
    raw_id_fields = ["enterprise", "corrects"]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "old_grade", "new_grade", "score_before", "score_after", "reason", "mode",
                    "changed_at"]
    list_filter = ["mode", "new_grade", "reason"]
    raw_id_fields = ["enterprise"]


@admin.register(GradeObjection)
class GradeObjectionAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "status", "filed_at", "due_on", "decided_at"]
    list_filter = ["status"]


@admin.register(InspectionPolicy)
class InspectionPolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "budget_aa", "ratio_aa", "budget_a", "ratio_a", "budget_b", "ratio_b", "budget_c",
                    "ratio_c", "budget_d", "ratio_d", "created_by", "created_at"]
