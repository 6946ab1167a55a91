from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ciq_portal.i18n import message_for_reader
from declarations.models import Declaration

from ..choices import Agency, Conclusion, DeclarantInspectionStatus, Disposition, JointKind
from ..models import InspectionTask, JointFinding, JointInspection, Lab, TestReport
from ..selectors import joint_inspection_outcome


class _OutcomeFields(serializers.Serializer):
    # Declared here because read-only model fields lose allow_blank, and "" is what an open task carries.
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, allow_blank=True, read_only=True)
    disposition = serializers.ChoiceField(choices=Disposition.choices, allow_blank=True, read_only=True)


class InspectionTaskSerializer(_OutcomeFields, serializers.ModelSerializer):
    """What bureau staff see of a task."""

    declaration_number = serializers.CharField(source="declaration.number", read_only=True)
    site_code = serializers.CharField(source="site.code", read_only=True, default="")
    inspector = serializers.CharField(source="assigned_to.username", read_only=True, default="")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = InspectionTask
        fields = ["id", "declaration", "declaration_number", "enterprise", "reason", "mode", "category", "site",
                  "site_code", "scheduled_for", "priority", "status", "inspector", "sampling_required", "created_at",
                  "due_at", "overdue", "conclusion", "disposition", "concluded_at"]
        read_only_fields = fields

    def get_overdue(self, task) -> bool:
        return task.is_open and task.due_at < timezone.now()


class DeclarantInspectionSerializer(_OutcomeFields, serializers.ModelSerializer):
    """What a declarant sees: the status of their consignment's inspection, never why or by whom."""

    declaration_number = serializers.CharField(source="declaration.number", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True, default="")
    status = serializers.SerializerMethodField()

    class Meta:
        model = InspectionTask
        fields = ["id", "declaration", "declaration_number", "site_name", "scheduled_for", "status", "conclusion",
                  "disposition", "concluded_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=DeclarantInspectionStatus.choices))
    def get_status(self, task) -> str:
        if task.status in (DeclarantInspectionStatus.CONCLUDED, DeclarantInspectionStatus.CANCELLED):
            return task.status
        return DeclarantInspectionStatus.SCHEDULED


class ConclusionSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, label=_("conclusion"))
    disposition = serializers.CharField(required=False, allow_blank=True, default="", label=_("disposition"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TaskReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   label=_("reason"))


class ReassignSerializer(serializers.Serializer):
    officer = serializers.IntegerField(label=_("officer"))
    reason = serializers.CharField(max_length=500, label=_("reason"))


class LabSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lab
        fields = ["id", "name", "name_en", "kind", "accreditation_no", "scope_categories", "scope_test_items",
                  "valid_from", "valid_until", "status", "signing_public_key"]
        read_only_fields = fields


class TestReportResultSerializer(serializers.Serializer):
    test_item = serializers.CharField(max_length=64)
    value = serializers.DecimalField(max_digits=16, decimal_places=6)
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class CheckReasonSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    message = serializers.SerializerMethodField(help_text="In the language of the request.")

    def get_message(self, reason) -> str:
        return message_for_reader(reason)


class TestReportSerializer(serializers.ModelSerializer):
    declaration = serializers.PrimaryKeyRelatedField(queryset=Declaration.objects.none())
    results = TestReportResultSerializer(many=True, required=False)
    check_reasons = CheckReasonSerializer(many=True, read_only=True)
    hs_codes = serializers.ListField(child=serializers.CharField(max_length=10), allow_empty=False)

    class Meta:
        model = TestReport
        fields = ["id", "declaration", "lab_accreditation_no", "report_no", "issued_on", "hs_codes", "lot_numbers",
                  "results", "check_ok", "check_reasons", "checked_at"]
        read_only_fields = ["id", "check_ok", "check_reasons", "checked_at"]

    def __init__(self, *args, declaration_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if declaration_queryset is not None:
            self.fields["declaration"].queryset = declaration_queryset


class JointFindingSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = JointFinding
        fields = ["agency", "result", "findings", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_by", "recorded_at"]


class JointInspectionSerializer(serializers.ModelSerializer):
    findings = JointFindingSerializer(many=True, read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True, default="")
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = JointInspection
        fields = ["id", "kind", "agency", "declaration", "container_no", "conveyance", "participants", "note",
                  "status", "site", "site_name", "appointment_at", "findings", "outcome", "created_at",
                  "completed_at"]
        read_only_fields = ["id", "status", "site", "site_name", "appointment_at", "findings", "outcome",
                            "created_at", "completed_at"]

    def get_outcome(self, joint) -> dict | None:
        return joint_inspection_outcome(joint)


class JointRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JointKind.choices)
    agency = serializers.ChoiceField(choices=[c for c in Agency.choices if c[0] != Agency.CIQ], required=False,
                                     allow_blank=True, default="")
    declaration_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    container_no = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    conveyance = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    participants = serializers.ListField(child=serializers.ChoiceField(choices=Agency.choices), required=False,
                                         default=list)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class JointScheduleSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    appointment_at = serializers.DateTimeField()


class JointFindingRecordSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=Agency.choices)
    result = serializers.ChoiceField(choices=Conclusion.choices)
    findings = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
