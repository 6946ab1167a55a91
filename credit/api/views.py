from rest_framework import viewsets

from ..filtersets import EnterpriseFilterSet
from ..selectors import enterprise_get, enterprise_list
from .serializers import EnterpriseSerializer


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope, each with its current credit grade."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name_zh", "credit_grade"]

    def get_queryset(self):
        return enterprise_list(user=self.request.user)

    def get_object(self):
        return enterprise_get(user=self.request.user, pk=self.kwargs["pk"])
