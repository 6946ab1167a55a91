from rest_framework import serializers

from ..models import RiskAssessment, RiskBulletin, RiskRule


class RiskAssessmentSerializer(serializers.ModelSerializer):
    declaration_number = serializers.CharField(source="declaration.number", read_only=True)

    class Meta:
        model = RiskAssessment
        fields = ["id", "declaration", "declaration_number", "score", "tier", "reasons", "model_score",
                  "forced_release_mode", "force_inspection", "hold", "rules_version", "model_version", "created_at"]


class RiskBulletinSerializer(serializers.ModelSerializer):
    rules = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = RiskBulletin
        fields = ["id", "title_zh", "title_en", "text_zh", "text_en", "hazard", "hs_prefixes", "countries",
                  "valid_from", "valid_to", "status", "published_at", "rules"]


class RiskRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskRule
        fields = ["id", "code", "name", "description", "conditions", "add_score", "force_tier", "force_inspection",
                  "force_release_mode", "hold", "valid_from", "valid_to", "status", "version"]
