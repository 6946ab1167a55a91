from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import CreditEventKind
from ..models import BrokerDelegation, CreditEvent, Enterprise, InspectionPolicy
from ..selectors import evidence_visible


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name_zh", "name_en", "address", "country", "kind", "status", "credit_grade",
                  "credit_score", "credit_graded_at"]
        read_only_fields = fields


class CreditEventSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = CreditEvent
        fields = ["id", "enterprise", "enterprise_uscc", "kind", "occurred_on", "source", "source_name",
                  "evidence_type", "evidence_id", "weight", "amount", "external_reference", "note", "corrects",
                  "recorded_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not evidence_visible(instance, request.user):
            data["evidence_type"] = data["evidence_id"] = data["external_reference"] = ""
        return data


class CreditEventPushSerializer(serializers.Serializer):
    """What a partner agency or an officer pushes. Either ``enterprise`` (id) or ``enterprise_uscc``."""

    enterprise = serializers.IntegerField(required=False, label=_("enterprise"))
    enterprise_uscc = serializers.CharField(required=False, max_length=18, label=_("unified social credit code"))
    kind = serializers.ChoiceField(choices=CreditEventKind.choices, label=_("kind"))
    occurred_on = serializers.DateField(required=False, label=_("occurred on"))
    weight = serializers.IntegerField(required=False, allow_null=True, label=_("weight"))
    amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2,
                                      label=_("amount (CNY)"))
    evidence_type = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    evidence_id = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    external_reference = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")

    def validate(self, attrs):
        if not attrs.get("enterprise") and not attrs.get("enterprise_uscc"):
            raise serializers.ValidationError({"enterprise": [_("Name the enterprise by id or by its code.")]})
        return attrs


class InspectionPolicySerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, default="")

    class Meta:
        model = InspectionPolicy
        fields = ["version", "budget_aa", "budget_a", "budget_b", "budget_c", "budget_d", "ratio_aa", "ratio_a",
                  "ratio_b", "ratio_c", "ratio_d", "note", "created_by", "created_at"]
        # Without budgets, each grade's budget is its random ratio.
        extra_kwargs = {field: {"required": False} for field in ("budget_aa", "budget_a", "budget_b", "budget_c",
                                                                  "budget_d")}
        read_only_fields = ["version", "created_by", "created_at"]


class DelegationSerializer(serializers.ModelSerializer):
    importer_name = serializers.CharField(source="importer.display_name", read_only=True)
    broker_name = serializers.CharField(source="broker.display_name", read_only=True)
    broker_uscc = serializers.CharField(source="broker.uscc", read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = BrokerDelegation
        fields = ["id", "importer", "importer_name", "broker", "broker_name", "broker_uscc", "hs_chapters", "ports",
                  "valid_from", "valid_until", "granted_at", "revoked_at", "in_force"]
        read_only_fields = fields

    def get_in_force(self, delegation) -> bool:
        return delegation.in_force()


class DelegationGrantSerializer(serializers.Serializer):
    """A delegation the caller's enterprise (its administrator) grants to a customs broker."""

    broker_uscc = serializers.CharField(max_length=18, label=_("customs broker's unified social credit code"))
    hs_chapters = serializers.ListField(child=serializers.CharField(max_length=2), required=False, default=list,
                                        help_text="Two-digit HS chapters; empty: all goods.")
    ports = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list,
                                  help_text="Port / office codes; empty: every port.")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
