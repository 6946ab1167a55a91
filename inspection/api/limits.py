"""/api/v1/test-items/ and /api/v1/test-limits/: the limits table. Bureau staff read; administrators register
items, add limit versions and import a file of limits (whole or not at all)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from ciq_portal.api.viewsets import ReadWriteRolesMixin, ServiceCreateMixin, ServiceUpdateMixin
from ciq_portal.roles import BUREAU_ROLES, Role
from declarations.bulk import upload_rows
from declarations.choices import CommodityCategory

from .. import selectors, services
from ..filtersets import TestItemFilterSet, TestLimitFilterSet
from ..models import TestItem, TestLimit


class _LimitsTableViewSet(ReadWriteRolesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin,
                          viewsets.GenericViewSet):
    read_roles = tuple(BUREAU_ROLES)
    write_roles = (Role.ADMINISTRATOR,)


class TestItemSerializer(serializers.ModelSerializer):
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = TestItem
        fields = ["id", "code", "name", "name_en", "unit", "active"]
        read_only_fields = ["id"]


class TestItemViewSet(ServiceUpdateMixin, _LimitsTableViewSet):
    """Test items, each measured in one unit (its limits are given in that unit)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = TestItemSerializer
    filterset_class = TestItemFilterSet
    queryset = TestItem.objects.none()

    def get_queryset(self):
        return selectors.test_item_list(user=self.request.user)

    create_service = services.test_item_create
    update_service, updated_as = services.test_item_update, "item"


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


class TestLimitViewSet(_LimitsTableViewSet):
    """Limits of test items per commodity category, in versions: creating one ends the version in force the day
    before it starts. A limit must be in its item's unit."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = TestLimitSerializer
    filterset_class = TestLimitFilterSet
    queryset = TestLimit.objects.none()

    def get_queryset(self):
        return selectors.test_limit_list(user=self.request.user)

    create_service = services.test_limit_set

    @extend_schema(request={"multipart/form-data": TestLimitImportSerializer},
                   responses={201: TestLimitSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="import", url_name="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        serializer = TestLimitImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limits = services.test_limits_import(actor=request.user, rows=upload_rows(serializer.validated_data["file"]))
        return Response(TestLimitSerializer(limits, many=True).data, status=status.HTTP_201_CREATED)
