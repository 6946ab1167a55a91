"""/api/v1/document-requirements/, /api/v1/hs-codes/, /api/v1/hs-editions/, /api/v1/ports/: the bureau's reference
tables of declarations. Bureau staff read them; administrators change them (each change audited, with its effective
dates)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from ciq_portal.api.viewsets import ReadWriteRolesMixin, ServiceCreateMixin, ServiceUpdateMixin
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import BUREAU_ROLES, Role

from .. import selectors, services
from ..bulk import upload_rows
from ..choices import CommodityCategory, DocumentKind
from ..filtersets import DocumentRequirementFilterSet, HSCodeFilterSet, PortFilterSet
from ..models import DocumentRequirement, HSCode, HSEdition, Port


class _ReferenceViewSet(ReadWriteRolesMixin, viewsets.GenericViewSet):
    read_roles = tuple(BUREAU_ROLES)
    write_roles = (Role.ADMINISTRATOR,)


class _ReferenceTableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin,
                             ServiceUpdateMixin, _ReferenceViewSet):
    """A table's rows, each created and changed through its services."""


class DocumentRequirementSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    hs_prefix = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=CommodityCategory.choices, required=False, allow_blank=True,
                                       default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = DocumentRequirement
        fields = ["id", "kind", "hs_prefix", "category", "note", "valid_from", "valid_until"]
        read_only_fields = ["id"]


class DocumentRequirementViewSet(_ReferenceTableViewSet):
    """The documents goods of an HS code prefix or a category need, each rule with its effective dates."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = DocumentRequirementSerializer
    filterset_class = DocumentRequirementFilterSet
    queryset = DocumentRequirement.objects.none()

    def get_queryset(self):
        return selectors.document_requirement_list(user=self.request.user)

    create_service = services.document_requirement_create
    update_service, updated_as = services.document_requirement_update, "requirement"


class HSCodeSerializer(serializers.ModelSerializer):
    code = serializers.CharField(max_length=10)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=CommodityCategory.choices, required=False, allow_blank=True,
                                       default="")

    class Meta:
        model = HSCode
        fields = ["code", "name_zh", "name_en", "category", "valid_from", "valid_until"]


class HSCodeViewSet(_ReferenceTableViewSet):
    """The HS nomenclature, each code with its effective dates (a new edition: /api/v1/hs-editions/)."""

    lookup_field = "code"
    lookup_value_regex = r"[0-9]{1,10}"
    serializer_class = HSCodeSerializer
    filterset_class = HSCodeFilterSet
    queryset = HSCode.objects.none()

    def get_queryset(self):
        return selectors.hs_code_list(user=self.request.user)

    create_service = services.hs_code_create
    update_service, updated_as, fixed_fields = services.hs_code_update, "hs_code", ("code",)


class PortSerializer(serializers.ModelSerializer):
    code = serializers.CharField(max_length=16)

    class Meta:
        model = Port
        fields = ["code", "locode", "name_zh", "name_en"]


class PortViewSet(_ReferenceTableViewSet):
    """The ports and offices of entry, by the office code declarations give, with their UN/LOCODE and names."""

    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9]{1,16}"
    serializer_class = PortSerializer
    filterset_class = PortFilterSet
    queryset = Port.objects.none()

    def get_queryset(self):
        return selectors.port_list(user=self.request.user)

    create_service = services.port_create
    update_service, updated_as, fixed_fields = services.port_update, "port", ("code",)


class HSEditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HSEdition
        fields = ["id", "name", "effective_from", "original_name", "codes", "added", "changed", "retired",
                  "imported_at"]
        read_only_fields = fields


class HSEditionImportSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    effective_from = serializers.DateField()
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX with the columns code, name_zh, name_en, category: "
                                           "the whole table. One wrong row and nothing is written (every row's "
                                           "errors are listed on `file`).")


class HSEditionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, _ReferenceViewSet):
    """HS editions imported: create one by uploading its table."""

    serializer_class = HSEditionSerializer
    queryset = HSEdition.objects.none()
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return selectors.hs_edition_list(user=self.request.user)

    @extend_schema(request={"multipart/form-data": HSEditionImportSerializer}, responses={201: HSEditionSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = HSEditionImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        edition = services.hs_edition_import(actor=request.user, name=serializer.validated_data["name"],
                                             effective_from=serializer.validated_data["effective_from"],
                                             rows=upload_rows(upload), original_name=upload.name)
        return Response(HSEditionSerializer(edition).data, status=status.HTTP_201_CREATED)
