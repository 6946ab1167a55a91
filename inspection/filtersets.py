import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.choices import CommodityCategory

from .choices import (
    LabOrderStatus,
    LabStatus,
    LeaveStatus,
    Priority,
    SiteCapability,
    SiteKind,
    TaskReason,
    TaskStatus,
    Weekday,
)
from .models import (
    ConflictOfInterest,
    InspectionSite,
    InspectionTask,
    JointInspection,
    Lab,
    LabOrder,
    LabResult,
    OfficerLeave,
    OfficerProfile,
    OfficerShift,
    RosterPattern,
    Sample,
    TestItem,
    TestLimit,
    TestReport,
)


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


class SampleFilterSet(django_filters.FilterSet):
    declaration = django_filters.CharFilter(field_name="task__declaration__number", label=_("declaration number"))

    class Meta:
        model = Sample
        fields = ["task", "sample_no"]


class LabOrderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LabOrderStatus.choices, label=_("status"))
    declaration = django_filters.CharFilter(field_name="task__declaration__number", label=_("declaration number"))

    class Meta:
        model = LabOrder
        fields = ["status", "task", "sample"]


class LabResultFilterSet(django_filters.FilterSet):
    passed = django_filters.BooleanFilter(label=_("within limits"))
    declaration = django_filters.CharFilter(field_name="order__task__declaration__number",
                                            label=_("declaration number"))

    class Meta:
        model = LabResult
        fields = ["order", "test_item", "passed"]


class JointInspectionFilterSet(django_filters.FilterSet):
    class Meta:
        model = JointInspection
        fields = ["status", "kind", "agency"]


class OfficerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("name, staff number or user name"))
    site = django_filters.ModelChoiceFilter(field_name="sites", queryset=InspectionSite.objects.all(),
                                            label=_("site"))
    category = django_filters.ChoiceFilter(method="qualified_for", choices=CommodityCategory.choices,
                                           label=_("goods category"))
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = OfficerProfile
        fields = ["q", "site", "category", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(badge_no__icontains=value) | Q(user__username__icontains=value)
                               | Q(user__first_name__icontains=value) | Q(user__last_name__icontains=value))

    def qualified_for(self, queryset, name, value):
        # The categories are a JSON list, which SQLite cannot search by element: the few hundred profiles are read.
        return queryset.filter(pk__in=[pk for pk, categories in queryset.values_list("pk", "categories")
                                       if value in (categories or [])])


class RosterPatternFilterSet(django_filters.FilterSet):
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("officer"))
    site = django_filters.NumberFilter(field_name="site_id", label=_("site"))
    weekday = django_filters.ChoiceFilter(choices=Weekday.choices, label=_("weekday"))

    class Meta:
        model = RosterPattern
        fields = ["officer", "site", "weekday"]


class OfficerShiftFilterSet(django_filters.FilterSet):
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("officer"))
    site = django_filters.NumberFilter(field_name="site_id", label=_("site"))
    since = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="gte", label=_("ending after"))

    class Meta:
        model = OfficerShift
        fields = ["officer", "site", "since"]


class LeaveFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LeaveStatus.choices, label=_("status"))
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("officer"))

    class Meta:
        model = OfficerLeave
        fields = ["status", "officer"]


class ConflictFilterSet(django_filters.FilterSet):
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("acknowledged"))
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("officer"))

    class Meta:
        model = ConflictOfInterest
        fields = ["acknowledged", "officer"]
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
class TestReportFilterSet(django_filters.FilterSet):
    """Third-party test reports: those of one declaration (``?declaration=<id>``), by report number, by outcome."""

    declaration = django_filters.NumberFilter(field_name="declaration_id", label=_("Declaration"))

    class Meta:
        model = TestReport
        fields = ["declaration", "report_no", "check_ok"]
