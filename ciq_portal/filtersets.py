"""FilterSets of the portal's own lists, shared by the public pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditHead


class AuditHeadFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="published_day", lookup_expr="gte", label=_("from day"))
    until = django_filters.DateFilter(field_name="published_day", lookup_expr="lte", label=_("to day"))

    class Meta:
        model = AuditHead
        fields = ["since", "until"]
