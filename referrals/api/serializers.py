"""The case referrals API's representations and inputs."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import ReferralKind, ReferralOutcome
from ..models import CaseEvidence, CaseReferral


class CaseEvidenceSerializer(serializers.ModelSerializer):
    added_by = serializers.CharField(source="added_by.username", read_only=True)
    document_name = serializers.CharField(source="document.original_name", read_only=True, default=None,
                                          allow_null=True)

    class Meta:
        model = CaseEvidence
        fields = ["id", "description", "reference", "document", "document_name", "added_by", "added_at"]
        read_only_fields = fields


class CaseReferralSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    declaration_number = serializers.CharField(source="declaration.number", read_only=True, default=None,
                                               allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name_zh", read_only=True, default=None,
                                            allow_null=True)
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices, read_only=True, allow_blank=True)
    referred_by = serializers.CharField(source="referred_by.username", read_only=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = CaseReferral
        fields = ["id", "number", "direction", "kind", "status", "agency", "declaration_number", "enterprise_name",
                  "container_no", "summary", "details", "external_reference", "referred_by", "referred_at",
                  "acknowledged_at", "acknowledgement_note", "outcome", "outcome_detail", "outcome_at",
                  "withdrawn_reason", "evidence"]
        read_only_fields = fields


class EvidenceInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300, label=_("description"))
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                      label=_("reference"))
    document = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                        max_value=2**63 - 1,
                                        help_text="Id of a document of the referred declaration (bureau only)")


class CaseReferralCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferralKind.choices, label=_("kind"))
    summary = serializers.CharField(max_length=300, label=_("summary"))
    details = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    agency = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                   help_text="Bureau only: code of the agency the case is referred to. Agencies "
                                             "refer to the bureau and leave it out.")
    declaration_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    container_no = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    external_reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                               help_text="The agency's own case number")
    evidence = EvidenceInputSerializer(many=True, required=False, default=list)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    external_reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices)
    detail = serializers.CharField(max_length=8000)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
