from rest_framework import serializers

from ..models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name_zh", "name_en", "address", "country", "kind", "status", "credit_grade"]
        read_only_fields = fields
