import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Enterprise


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Enterprise
        fields = ["kind", "status", "credit_grade", "uscc"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name_zh__icontains=value) | Q(name_en__icontains=value) | Q(uscc__iexact=value))
