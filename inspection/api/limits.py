"""/api/v1/test-items/ and /api/v1/test-limits/: the limits table. Bureau staff read; administrators register
items, add limit versions and import a file of limits (whole or not at all)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ciq_portal.api.permissions import role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import BUREAU_ROLES, Role
from declarations.bulk import UnreadableFile, read_rows
from declarations.choices import CommodityCategory

from .. import selectors, services
from ..filtersets import TestItemFilterSet, TestLimitFilterSet
from ..models import TestItem, TestLimit

WRITES = ("create", "update", "partial_update", "import_file")


class _LimitsTableViewSet(viewsets.GenericViewSet):
    def get_permissions(self):
        roles = (Role.ADMINISTRATOR,) if self.action in WRITES else tuple(BUREAU_ROLES)
        return [IsAuthenticated(), role_required(*roles)()]


class TestItemSerializer(serializers.ModelSerializer):
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = TestItem
        fields = ["id", "code", "name", "name_en", "unit", "active"]
        read_only_fields = ["id"]


class TestItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, _LimitsTableViewSet):
    """Test items, each measured in one unit (its limits are given in that unit)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = TestItemSerializer
    filterset_class = TestItemFilterSet
    queryset = TestItem.objects.none()

    def get_queryset(self):
        return selectors.test_item_list(user=self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.test_item_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        item = services.test_item_update(item=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(item).data)


class TestLimitSerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=TestItem.objects.all(),
                                        help_text="The test item's code.")
    category = serializers.ChoiceField(choices=CommodityCategory.choices)
    basis = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = TestLimit
        fields = ["id", "item", "category", "version", "limit_min", "limit_max", "unit", "basis", "valid_from",
                  "valid_until", "created_at"]
        read_only_fields = ["id", "version", "valid_until", "created_at"]


class TestLimitImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX with the columns item, category, limit_min, "
                                           "limit_max, unit, valid_from, basis; one wrong row and nothing is written "
                                           "(every row's errors are listed on `file`).")


class TestLimitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       _LimitsTableViewSet):
    """Limits of test items per commodity category, in versions: creating one ends the version in force the day
    before it starts. A limit must be in its item's unit."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = TestLimitSerializer
    filterset_class = TestLimitFilterSet
    queryset = TestLimit.objects.none()

    def get_queryset(self):
        return selectors.test_limit_list(user=self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limit = services.test_limit_set(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(limit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": TestLimitImportSerializer},
                   responses={201: TestLimitSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="import", url_name="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        serializer = TestLimitImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            rows = read_rows(upload.name, upload.read())
        except UnreadableFile:
            raise serializers.ValidationError({"file": [_("The file could not be read as CSV or XLSX.")]}) from None
        limits = services.test_limits_import(actor=request.user, rows=rows)
        return Response(TestLimitSerializer(limits, many=True).data, status=status.HTTP_201_CREATED)
