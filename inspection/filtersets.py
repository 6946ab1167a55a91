import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.choices import CommodityCategory

from .choices import LabStatus, Priority, SiteCapability, SiteKind, TaskReason, TaskStatus
from .models import InspectionSite, InspectionTask, JointInspection, Lab, TestItem, TestLimit


class DeclarantInspectionTaskFilterSet(django_filters.FilterSet):
    """What a declarant may filter their consignments' inspections by: nothing that would tell why a consignment
    was chosen (reason, priority) or who inspects it, even as a yes/no answer."""

    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices, label=_("status"))
    declaration = django_filters.NumberFilter(field_name="declaration_id", label=_("declaration"))

    class Meta:
        model = InspectionTask
        fields = ["status", "declaration"]


class InspectionTaskFilterSet(DeclarantInspectionTaskFilterSet):
    """Bureau staff's filters."""

    reason = django_filters.ChoiceFilter(choices=TaskReason.choices, label=_("reason"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("priority"))
    assigned_to = django_filters.NumberFilter(field_name="assigned_to_id", label=_("inspector"))
    site = django_filters.NumberFilter(field_name="site_id", label=_("site"))

    class Meta:
        model = InspectionTask
        fields = ["status", "reason", "priority", "declaration", "assigned_to", "site"]


class LabFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LabStatus.choices, label=_("status"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Lab
        fields = ["status", "kind"]


class JointInspectionFilterSet(django_filters.FilterSet):
    class Meta:
        model = JointInspection
        fields = ["status", "kind", "agency"]


class InspectionSiteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Code or name"))
    port = django_filters.CharFilter(field_name="port", lookup_expr="iexact", label=_("Port"))
    kind = django_filters.ChoiceFilter(choices=SiteKind.choices, label=_("Kind"), empty_label=_("Any"))
    capability = django_filters.ChoiceFilter(choices=SiteCapability.choices, method="filter_capability",
                                             label=_("Capability"), empty_label=_("Any"))
    active = django_filters.BooleanFilter(field_name="active", label=_("Active"))

    class Meta:
        model = InspectionSite
        fields = ["q", "port", "kind", "capability", "active"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value))

    def filter_capability(self, queryset, name, value):
        # JSON containment is not portable to SQLite: the list is short, so match in Python.
        return queryset.filter(pk__in=[site.pk for site in queryset if value in site.abilities])


class TestItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Code or name"))
    active = django_filters.BooleanFilter(field_name="active", label=_("Active"))

    class Meta:
        model = TestItem
        fields = ["q", "active"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value))


class TestLimitFilterSet(django_filters.FilterSet):
    item = django_filters.CharFilter(field_name="item__code", lookup_expr="iexact", label=_("Test item"))
    category = django_filters.ChoiceFilter(choices=CommodityCategory.choices, label=_("Category"),
                                           empty_label=_("Any"))
    in_force = django_filters.BooleanFilter(method="filter_in_force", label=_("In force today"))

    class Meta:
        model = TestLimit
        fields = ["item", "category", "in_force"]

    def filter_in_force(self, queryset, name, value):
        today = timezone.localdate()
        condition = Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        return queryset.filter(condition) if value else queryset.exclude(condition)
