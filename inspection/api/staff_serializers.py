"""Serializers of the staff resources: officers, weekly duties, extra shifts, cancelled duties, leave, conflicts."""

from rest_framework import serializers

from declarations.choices import CommodityCategory

from ..models import ConflictOfInterest, OfficerLeave, OfficerProfile, OfficerShift, RosterCancellation, RosterPattern


class OfficerSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    family_name = serializers.CharField(source="user.last_name", read_only=True)
    given_name = serializers.CharField(source="user.first_name", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    sites = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = OfficerProfile
        fields = ["id", "badge_no", "username", "family_name", "given_name", "name", "email", "categories", "sites",
                  "active"]
        read_only_fields = fields


class OfficerWriteSerializer(serializers.Serializer):
    """An officer's data; ``username`` and ``password`` only when creating (an existing account gains the role)."""

    badge_no = serializers.CharField(max_length=16)
    username = serializers.CharField(max_length=150, required=False)
    family_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    given_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=128, required=False, allow_blank=True, default="", write_only=True)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=CommodityCategory.choices),
                                       required=False, default=list)
    sites = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list,
                                  help_text="site codes")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX with the template's columns")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class RosterPatternSerializer(serializers.ModelSerializer):
    badge_no = serializers.CharField(source="officer.badge_no", read_only=True)
    site_code = serializers.CharField(source="site.code", read_only=True)

    class Meta:
        model = RosterPattern
        fields = ["id", "officer", "badge_no", "site", "site_code", "weekday", "starts_at", "ends_at", "valid_from",
                  "valid_until"]
        read_only_fields = ["id", "badge_no", "site_code"]
        extra_kwargs = {"officer": {"queryset": OfficerProfile.objects.all()}}


class DutyCancelSerializer(serializers.Serializer):
    day = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RosterCancellationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RosterCancellation
        fields = ["id", "pattern", "day", "reason"]
        read_only_fields = fields


class OfficerShiftSerializer(serializers.ModelSerializer):
    badge_no = serializers.CharField(source="officer.badge_no", read_only=True)

    class Meta:
        model = OfficerShift
        fields = ["id", "officer", "badge_no", "site", "starts_at", "ends_at", "reason"]
        read_only_fields = ["id", "badge_no"]


class WeekDutySerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    weekly_duty = serializers.IntegerField(allow_null=True)
    extra_shift = serializers.IntegerField(allow_null=True)
    cancelled = serializers.BooleanField()


class WeekDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    on_leave = serializers.BooleanField()
    duties = WeekDutySerializer(many=True)


class WeekRowSerializer(serializers.Serializer):
    officer = serializers.IntegerField()
    badge_no = serializers.CharField()
    name = serializers.CharField()
    days = WeekDaySerializer(many=True)


class RosterWeekSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    week = serializers.DateField(help_text="the Monday")
    officers = WeekRowSerializer(many=True)


class LeaveSerializer(serializers.ModelSerializer):
    badge_no = serializers.CharField(source="officer.badge_no", read_only=True)

    class Meta:
        model = OfficerLeave
        fields = ["id", "officer", "badge_no", "first_day", "last_day", "reason", "status", "requested_at",
                  "decided_by", "decided_at", "decision_note"]
        read_only_fields = ["id", "officer", "badge_no", "status", "requested_at", "decided_by", "decided_at",
                            "decision_note"]


class LeaveDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ConflictSerializer(serializers.ModelSerializer):
    badge_no = serializers.CharField(source="officer.badge_no", read_only=True)

    class Meta:
        model = ConflictOfInterest
        fields = ["id", "officer", "badge_no", "enterprise", "reason", "declared_at", "acknowledged_by",
                  "acknowledged_at"]
        read_only_fields = ["id", "officer", "badge_no", "declared_at", "acknowledged_by", "acknowledged_at"]
        extra_kwargs = {"enterprise": {"required": True}}
