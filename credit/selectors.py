from django.db.models import QuerySet

from ciq_portal.scoping import get_in_scope, scope_queryset

from .filtersets import EnterpriseFilterSet
from .models import Enterprise


def enterprise_list(*, user, filters: dict | None = None) -> QuerySet[Enterprise]:
    queryset = scope_queryset(Enterprise.objects.all(), user=user, enterprise_field="pk")
    return EnterpriseFilterSet(filters or {}, queryset=queryset).qs


def enterprise_get(*, user, pk) -> Enterprise:
    return get_in_scope(Enterprise.objects.all(), user=user, enterprise_field="pk", pk=pk)
