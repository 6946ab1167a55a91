from django.utils.translation import gettext as _
from rest_framework import serializers

from .. import matrix
from ..models import (
    BulkSubmission,
    BulkSubmissionItem,
    DistributionRecord,
    NegativeListEntry,
    Recall,
    Release,
    ReleaseDecision,
    ReleaseMatrixVersion,
)
from ..selectors import BULK_SUBMIT_MAX


class ReleaseSerializer(serializers.ModelSerializer):
    """A released consignment: the paperless release order the port and customs read (no values, no reasons)."""

    declaration_number = serializers.CharField(source="declaration.number", read_only=True)
    declaration_id = serializers.IntegerField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name_zh", read_only=True)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True, default=None,
                                               allow_null=True)
    bill_of_lading = serializers.CharField(source="declaration.bill_of_lading", read_only=True)
    containers = serializers.JSONField(source="declaration.containers", read_only=True)

    class Meta:
        model = Release
        fields = ["id", "declaration_id", "declaration_number", "enterprise_name", "mode", "status",
                  "inspection_result", "released_at", "port", "bill_of_lading", "containers", "trace_code",
                  "certificate_number", "recalled_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    """The release decision as the declarant may see it: mode and next step (never the reasons)."""

    declaration_number = serializers.CharField(source="declaration.number", read_only=True)
    next_step_label = serializers.CharField(source="get_next_step_display", read_only=True)
    trace_code = serializers.CharField(source="release.trace_code", read_only=True, default=None, allow_null=True)
    certificate_number = serializers.CharField(source="release.certificate.number", read_only=True, default=None,
                                               allow_null=True)

    class Meta:
        model = ReleaseDecision
        fields = ["declaration", "declaration_number", "mode", "next_step", "next_step_label", "inspection_place",
                  "destination_office", "decided_at", "trace_code", "certificate_number"]
        read_only_fields = fields


class BureauDecisionSerializer(DecisionSerializer):
    class Meta(DecisionSerializer.Meta):
        fields = DecisionSerializer.Meta.fields + ["matrix_version", "matrix_mode", "tier", "grade", "risk_score",
                                                   "forced_by", "random_selected", "inspection_required",
                                                   "inspection_reason", "task", "inputs"]
        read_only_fields = fields


class DistributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DistributionRecord
        fields = ["id", "buyer_name", "buyer_contact", "quantity", "unit", "distributed_on", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]


class RecallSerializer(serializers.ModelSerializer):
    buyers = serializers.SerializerMethodField()

    class Meta:
        model = Recall
        fields = ["id", "release", "source", "reason", "status", "opened_at", "closed_at", "buyers"]
        read_only_fields = fields

    def get_buyers(self, obj) -> list[dict]:
        return [{"buyer": n.distribution.buyer_name, "notified_at": n.notified_at,
                 "acknowledged_at": n.acknowledged_at, "acknowledged_by": n.acknowledged_by}
                for n in obj.notices.select_related("distribution")]


class RecallOpenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReportSupplySerializer(serializers.Serializer):
    lab_accreditation_no = serializers.CharField(max_length=32)
    report_no = serializers.CharField(max_length=64)
    issued_on = serializers.DateField()
    hs_codes = serializers.ListField(child=serializers.CharField(max_length=10), allow_empty=False)
    lot_numbers = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    results = serializers.ListField(child=serializers.DictField(), required=False, default=list)


class VerifySerializer(serializers.Serializer):
    report = serializers.IntegerField()
    accept = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ConcludeSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=["conform", "non_conform"])
    disposition = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MatrixSerializer(serializers.ModelSerializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = ReleaseMatrixVersion
        fields = ["version", "cells", "note", "created_at"]
        read_only_fields = ["version", "created_at"]

    def validate_cells(self, value):  # shape only; the rules are the service's
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Cells: give an object {tier: {grade: mode}}."))
        return value


class NegativeListSerializer(serializers.ModelSerializer):
    min_mode = serializers.ChoiceField(choices=list(matrix.MODES), default="supervised")

    class Meta:
        model = NegativeListEntry
        fields = ["id", "kind", "value", "min_mode", "reason", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]


class BulkSubmissionItemSerializer(serializers.ModelSerializer):
    declaration_number = serializers.CharField(source="declaration.number", read_only=True)

    class Meta:
        model = BulkSubmissionItem
        fields = ["declaration", "declaration_number", "status", "release_mode", "errors"]
        read_only_fields = fields


class BulkSubmissionSerializer(serializers.ModelSerializer):
    items = BulkSubmissionItemSerializer(many=True, read_only=True)

    class Meta:
        model = BulkSubmission
        fields = ["id", "status", "import_job", "total", "processed", "submitted", "refused", "created_at",
                  "finished_at", "items"]
        read_only_fields = fields


class BulkSubmissionCreateSerializer(serializers.Serializer):
    """Either ``declarations`` (the drafts' ids) or ``import_job`` (every draft left of that bulk import)."""

    declarations = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                         max_length=BULK_SUBMIT_MAX)
    import_job = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs):
        if bool(attrs.get("declarations")) == (attrs.get("import_job") is not None):
            raise serializers.ValidationError(
                {"declarations": [_("Give either the drafts or the bulk import (one of the two).")]})
        return attrs


class DashboardQuerySerializer(serializers.Serializer):
    first = serializers.DateField(required=False, help_text="First day of the period (default: 29 days ago).")
    last = serializers.DateField(required=False, help_text="Last day of the period (default: today).")
    port = serializers.RegexField(r"^[A-Za-z0-9]{0,16}$", required=False, allow_blank=True)
    grade = serializers.ChoiceField(choices=[("", "")] + [(g, g) for g in matrix.GRADES], required=False,
                                    allow_blank=True)

    def validate(self, attrs):
        if attrs.get("first") and attrs.get("last") and attrs["first"] > attrs["last"]:
            raise serializers.ValidationError({"last": [_("The end of the period comes before its start.")]})
        return attrs


class BudgetTrendSerializer(serializers.Serializer):
    day = serializers.DateField()
    decided = serializers.IntegerField()
    achieved = serializers.FloatField(allow_null=True)


class BudgetGradeSerializer(serializers.Serializer):
    grade = serializers.CharField()
    decided = serializers.IntegerField()
    inspected = serializers.IntegerField()
    achieved = serializers.FloatField(allow_null=True, help_text="Inspected / decided.")
    budget = serializers.FloatField(help_text="The policy's inspection budget (random sample included).")
    within = serializers.BooleanField(allow_null=True, help_text="Achieved within ±20 % of the budget.")
    random_ratio = serializers.FloatField(allow_null=True, help_text="Share drawn for the random control sample.")
    random_target = serializers.FloatField(help_text="The policy's random ratio.")
    forced = serializers.IntegerField(help_text="Inspected by the negative list, a forced mode, tightening, a rule.")
    targeted = serializers.IntegerField(help_text="Inspected for their expected harm within the budget.")
    random = serializers.IntegerField(help_text="Inspected only because the random draw selected them.")
    by_matrix = serializers.IntegerField(help_text="Inspected by the matrix's cell while targeting was off.")
    capacity_moved = serializers.IntegerField(help_text="Targeted inspections the sites' capacity moved (to "
                                                        "verify-release or the next day).")
    cutoff = serializers.FloatField(allow_null=True, help_text="The harm cut-off in force.")
    expected_rate = serializers.FloatField(allow_null=True)
    expected_hits = serializers.FloatField(allow_null=True, help_text="Expected non-conformities per 100 decisions.")
    policy_version = serializers.IntegerField()
    trend = BudgetTrendSerializer(many=True)


class BudgetSiteSerializer(serializers.Serializer):
    site = serializers.CharField()
    name = serializers.CharField()
    inspections = serializers.IntegerField()
    capacity = serializers.IntegerField()
    utilisation = serializers.FloatField(allow_null=True)
    forced = serializers.IntegerField()
    targeted = serializers.IntegerField()
    random = serializers.IntegerField()


class ReleaseDashboardSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()
    port = serializers.CharField(allow_blank=True)
    by_grade = BudgetGradeSerializer(many=True)
    by_site = BudgetSiteSerializer(many=True)
    cutoffs_version = serializers.IntegerField(allow_null=True)
