"""Credit records in the admin, read-only: enterprises join through their applications, their users are managed
by their administrators, and credit records change only through credit services (audited)."""

from django.contrib import admin

from ciq_portal.admin_site import ReadOnlyAdmin

from .models import (
    BrokerDelegation,
    CreditEvent,
    Enterprise,
    EnterpriseApplication,
    EnterpriseMembership,
    GradeChange,
    GradeObjection,
    InspectionPolicy,
)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name_zh", "name_en", "uscc", "kind", "status", "credit_grade"]
    list_filter = ["kind", "status", "credit_grade"]
    search_fields = ["name_zh", "name_en", "uscc", "external_id"]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "enterprise", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "enterprise__name_zh", "enterprise__uscc"]


@admin.register(EnterpriseApplication)
class EnterpriseApplicationAdmin(ReadOnlyAdmin):
    list_display = ["name_zh", "uscc", "kind", "contact_name", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name_zh", "name_en", "uscc"]
    exclude = ["file"]  # the licence is served to the bureau's administrators by the portal's page


@admin.register(BrokerDelegation)
class BrokerDelegationAdmin(ReadOnlyAdmin):
    list_display = ["importer", "broker", "hs_chapters", "ports", "valid_from", "valid_until", "revoked_at"]
    search_fields = ["importer__name_zh", "importer__uscc", "broker__name_zh", "broker__uscc"]


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
