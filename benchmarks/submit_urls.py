"""The benchmark's URLconf: every product route, plus POST /bench/bare-declaration/ — a bare Django + DRF
endpoint that only writes a declaration with its goods lines (token auth, a nested ModelSerializer, one
transaction). It is the yardstick the full submit is measured against, in the same server and the same run."""

import uuid

from django.db import transaction
from django.urls import path
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ciq_portal.urls import urlpatterns as product_urlpatterns
from declarations.models import Declaration, GoodsLine


class BareLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoodsLine
        fields = ["hs_code", "description", "origin_country", "quantity", "unit", "net_weight_kg", "gross_weight_kg",
                  "value", "currency", "manufacturer_name", "lot_numbers"]


class BareDeclarationSerializer(serializers.ModelSerializer):
    lines = BareLineSerializer(many=True)

    class Meta:
        model = Declaration
        fields = ["port_of_entry", "transport_mode", "vessel_voyage", "bill_of_lading", "containers", "arrival_date",
                  "departure_country", "use_of_goods", "trade_terms", "lines"]


class BareDeclarationView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []

    def post(self, request):
        serializer = BareDeclarationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = data.pop("lines")
        with transaction.atomic():
            declaration = Declaration.objects.create(
                number=f"BARE{uuid.uuid4().hex[:24]}", enterprise_id=request.user.enterprise_membership.enterprise_id,
                created_by=request.user, **data)
            GoodsLine.objects.bulk_create([GoodsLine(declaration=declaration, line_no=n, **line)
                                           for n, line in enumerate(lines, 1)])
        return Response({"id": declaration.pk, "number": declaration.number, "status": declaration.status},
                        status=status.HTTP_201_CREATED)


urlpatterns = [path("bench/bare-declaration/", BareDeclarationView.as_view()), *product_urlpatterns]
handler403 = "ciq_portal.views.error_403"
handler404 = "ciq_portal.views.error_404"
handler500 = "ciq_portal.views.error_500"
