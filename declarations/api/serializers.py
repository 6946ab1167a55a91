from rest_framework import serializers

from ciq_portal.api.serializers import RepresentationSerializer

from ..choices import DeclarationStatus, DocumentKind, InspectionPlace, ReleaseMode, TransportMode
from ..models import Declaration, DeclarationEvent, Document, GoodsLine, Registration


class GoodsLineSerializer(RepresentationSerializer):
    # A plain string in the contract: empty for goods that are not dangerous (an enum with a blank member breaks
    # generated clients).
    dg_class = serializers.CharField(read_only=True, help_text="Dangerous goods: UN hazard class or division, or "
                                                              "empty.")

    class Meta:
        model = GoodsLine
        fields = ["id", "line_no", "hs_code", "description", "origin_country", "quantity", "unit", "net_weight_kg",
                  "gross_weight_kg", "value", "currency", "manufacturer_name", "lot_numbers", "un_number",
                  "dg_class"]
        read_only_fields = fields


class GoodsLineWriteSerializer(serializers.Serializer):
    """Shape only; every business rule is checked by the services (messages name the line and field)."""
    hs_code = serializers.CharField(max_length=12)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    origin_country = serializers.CharField(max_length=3, allow_blank=True, required=False)
    quantity = serializers.CharField(max_length=32, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True)
    net_weight_kg = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True)
    gross_weight_kg = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True)
    value = serializers.CharField(max_length=32, required=False, allow_blank=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    manufacturer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lot_numbers = serializers.CharField(max_length=200, required=False, allow_blank=True)
    un_number = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                      help_text="Dangerous goods: UN number, e.g. UN1203 (1203 is read as UN1203).")
    dg_class = serializers.CharField(max_length=8, required=False, allow_blank=True,
                                     help_text="Dangerous goods: UN hazard class or division, e.g. 3 or 2.1.")


class DocumentSerializer(RepresentationSerializer):
    kind = serializers.CharField(read_only=True, help_text="Document type (see the upload operation).")

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "goods_line", "uploaded_at"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32, help_text="Document type: " + ", ".join(DocumentKind.values))
    file = serializers.FileField()
    goods_line = serializers.IntegerField(required=False, allow_null=True)


class DeclarationEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    message = serializers.CharField(source="text", read_only=True, help_text="In the language of the request.")

    class Meta:
        model = DeclarationEvent
        fields = ["id", "kind", "from_status", "to_status", "actor", "message", "occurred_at", "created_at"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return event.actor.username if event.actor_id and event.actor else ""


STATUS_HELP = "One of: " + ", ".join(DeclarationStatus.values)
MODE_HELP = "Empty until decided, then one of: " + ", ".join(ReleaseMode.values)


class DeclarationListSerializer(serializers.ModelSerializer):
    line_count = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    release_mode = serializers.CharField(read_only=True, help_text=MODE_HELP)
    source = serializers.CharField(read_only=True)

    class Meta:
        model = Declaration
        fields = ["id", "number", "status", "enterprise", "port_of_entry", "transport_mode", "bill_of_lading",
                  "arrival_date", "departure_country", "release_mode", "source", "line_count", "created_at",
                  "submitted_at", "released_at"]
        read_only_fields = fields


class DeclarationSerializer(RepresentationSerializer):
    lines = GoodsLineSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    release_mode = serializers.CharField(read_only=True, help_text=MODE_HELP)
    source = serializers.CharField(read_only=True)
    # Kept by the release app on its own rows (selectors.declaration_get_representation reads them).
    next_step = serializers.CharField(read_only=True,
                                      help_text="What the declarant must do next once the mode is decided.")
    trace_code = serializers.CharField(read_only=True, allow_null=True)
    certificate_number = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Declaration
        fields = ["id", "number", "status", "enterprise", "consignee", "consignor", "customs_broker", "port_of_entry",
                  "transport_mode", "vessel_voyage", "bill_of_lading", "containers", "arrival_date",
                  "departure_country", "use_of_goods", "inspection_place", "destination_office", "trade_terms",
                  "release_mode", "next_step", "trace_code", "certificate_number", "source", "created_at",
                  "updated_at", "submitted_at", "released_at", "lines", "documents"]
        read_only_fields = fields


class DeclarationWriteSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False, help_text=(
        "A customs broker's declarant: the id of the importer it files for (a delegation in force to its "
        "enterprise); omitted, its own enterprise. Ignored on update."))
    port_of_entry = serializers.CharField(max_length=16, required=False, allow_blank=True)
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices, required=False)
    vessel_voyage = serializers.CharField(max_length=64, required=False, allow_blank=True)
    bill_of_lading = serializers.CharField(max_length=64, required=False, allow_blank=True)
    containers = serializers.ListField(child=serializers.CharField(max_length=16), required=False)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    departure_country = serializers.CharField(max_length=3, required=False, allow_blank=True)
    use_of_goods = serializers.CharField(max_length=64, required=False, allow_blank=True)
    inspection_place = serializers.ChoiceField(choices=InspectionPlace.choices, required=False)
    destination_office = serializers.CharField(max_length=16, required=False, allow_blank=True)
    trade_terms = serializers.CharField(max_length=3, required=False, allow_blank=True)
    lines = GoodsLineWriteSerializer(many=True, required=False)


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RegistrationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="importer_filing or manufacturer_registration")
    status = serializers.CharField(read_only=True, help_text="pending, approved, refused or suspended")
    categories = serializers.ListField(child=serializers.CharField(max_length=32), required=False)

    class Meta:
        model = Registration
        fields = ["id", "enterprise", "kind", "manufacturer_name", "registration_number", "categories", "valid_from",
                  "valid_until", "status", "note", "created_at"]
        read_only_fields = ["id", "enterprise", "status", "created_at"]
