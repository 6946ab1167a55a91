import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import BulletinStatus, Hazard, RuleStatus, Tier
from .models import RiskAssessment, RiskBulletin, RiskRule


class RiskRuleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=RuleStatus.choices, label=_("Status"))

    class Meta:
        model = RiskRule
        fields = ["status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class RiskBulletinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=BulletinStatus.choices, label=_("Status"))
    hazard = django_filters.ChoiceFilter(choices=Hazard.choices, label=_("Hazard"))

    class Meta:
        model = RiskBulletin
        fields = ["status", "hazard"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title_zh__icontains=value) | Q(title_en__icontains=value))


class RiskAssessmentFilterSet(django_filters.FilterSet):
    declaration = django_filters.NumberFilter(field_name="declaration_id", label=_("Declaration"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))

    class Meta:
        model = RiskAssessment
        fields = ["declaration", "tier"]
