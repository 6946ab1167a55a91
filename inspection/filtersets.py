import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import LabStatus, Priority, SiteCapability, SiteKind, TaskReason, TaskStatus
from .models import InspectionSite, InspectionTask, JointInspection, Lab


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
