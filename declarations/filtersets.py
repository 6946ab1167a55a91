import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciq_portal.filters import UTCIsoDateTimeFilter
from ciq_portal.forms import DatePicker

from .choices import CommodityCategory, DeclarationStatus, DocumentKind, LogisticsEventKind, ReleaseMode
from .models import Declaration, DocumentRequirement, GoodsLine, HSCode, LogisticsEvent, Port, Registration
from .nomenclature import in_force

ORDERING = (
    ("created_at", "created_at"), ("submitted_at", "submitted_at"), ("number", "number"), ("status", "status"),
    ("arrival_date", "arrival_date"),
)


SORT_CHOICES = [
    ("-created_at", _("Newest first")), ("created_at", _("Oldest first")),
    ("-submitted_at", _("Latest submitted first")), ("submitted_at", _("Earliest submitted first")),
    ("-arrival_date", _("Latest arrival first")), ("arrival_date", _("Earliest arrival first")),
    ("number", _("Number, ascending")), ("-number", _("Number, descending")),
    ("status", _("Status, ascending")), ("-status", _("Status, descending")),
]


class DeclarationFilterSet(django_filters.FilterSet):
    """One FilterSet for the list page and the API (status, dates, number, HS code, port; sorting)."""

    # Checkboxes (in a drop-down on the page); the API takes ?status=a&status=b the same way.
    # distinct=False: status is a column of the row (no join), and DISTINCT would make PostgreSQL compute and sort
    # every matching row (the line-count subquery included) before taking a page: 200+ ms at 100,000 rows.
    status = django_filters.MultipleChoiceFilter(choices=DeclarationStatus.choices, label=_("Status"),
                                                 widget=forms.CheckboxSelectMultiple, distinct=False)
    number = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label=_("Number"))
    hs_code = django_filters.CharFilter(method="filter_hs_code", label=_("HS code"))
    port = django_filters.CharFilter(field_name="port_of_entry", lookup_expr="iexact", label=_("Port"))
    release_mode = django_filters.ChoiceFilter(choices=ReleaseMode.choices, label=_("Release mode"),
                                               empty_label=_("Any"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                              label=_("Created from"), widget=DatePicker())
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                               label=_("Created to"), widget=DatePicker())
    arrival_after = django_filters.DateFilter(field_name="arrival_date", lookup_expr="gte", label=_("Arrival from"),
                                              widget=DatePicker())
    arrival_before = django_filters.DateFilter(field_name="arrival_date", lookup_expr="lte", label=_("Arrival to"),
                                               widget=DatePicker())
    bill_of_lading = django_filters.CharFilter(field_name="bill_of_lading", lookup_expr="iexact",
                                               label=_("Bill of lading"))
    sort = django_filters.OrderingFilter(fields=ORDERING, label=_("Sort by"), empty_label=None,
                                         choices=SORT_CHOICES)

    class Meta:
        model = Declaration
        fields = ["status", "number", "hs_code", "port", "release_mode"]

    def filter_hs_code(self, queryset, name, value):
        value = value.strip().replace(".", "")
        if not value:
            return queryset
        return queryset.filter(Exists(GoodsLine.objects.filter(declaration=OuterRef("pk"),
                                                               hs_code__startswith=value)))


REGISTRATION_STATUS_CHOICES = [("pending", _("Pending decision")),
                               ("approved", _("Approved")),
                               ("refused", _("Refused")),
                               ("suspended", _("Suspended"))]


class RegistrationFilterSet(django_filters.FilterSet):
    """Filings and registrations: by status and kind (the registrations page and the API viewset)."""

    status = django_filters.ChoiceFilter(choices=REGISTRATION_STATUS_CHOICES, label=_("Status"),
                                         empty_label=_("Any"))
    kind = django_filters.ChoiceFilter(choices=Registration.KIND_CHOICES, label=_("Kind"), empty_label=_("Any"))

    class Meta:
        model = Registration
        fields = ["status", "kind"]


class LogisticsEventFilterSet(django_filters.FilterSet):
    """Shared by the API and the pages."""

    container_no = django_filters.CharFilter(field_name="container_no", lookup_expr="iexact",
                                             label=_("Container number"))
    kind = django_filters.ChoiceFilter(choices=LogisticsEventKind.choices, label=_("Kind"))
    declaration = django_filters.CharFilter(field_name="declarations__number", label=_("Declaration number"))
    occurred_from = UTCIsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("From"))
    occurred_to = UTCIsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = LogisticsEvent
        fields = ["container_no", "kind", "declaration", "occurred_from", "occurred_to"]


class InForceFilter(django_filters.BooleanFilter):
    """Yes: rows in force today; no: rows not (yet or any more) in force."""

    def filter(self, queryset, value):
        if value is None:
            return queryset
        condition = in_force(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class DocumentRequirementFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("Document type"), empty_label=_("Any"))
    category = django_filters.ChoiceFilter(choices=CommodityCategory.choices, label=_("Category"),
                                           empty_label=_("Any"))
    hs_prefix = django_filters.CharFilter(field_name="hs_prefix", lookup_expr="startswith", label=_("HS code prefix"))
    in_force = InForceFilter(label=_("In force today"))

    class Meta:
        model = DocumentRequirement
        fields = ["kind", "category", "hs_prefix", "in_force"]


class HSCodeFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("HS code starts with"))
    q = django_filters.CharFilter(method="filter_name", label=_("Name"))
    category = django_filters.ChoiceFilter(choices=CommodityCategory.choices, label=_("Category"),
                                           empty_label=_("Any"))
    in_force = InForceFilter(label=_("In force today"))

    class Meta:
        model = HSCode
        fields = ["code", "q", "category", "in_force"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name_zh__icontains=value) | Q(name_en__icontains=value)) if value else queryset


class PortFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Code or name"))

    class Meta:
        model = Port
        fields = ["q"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(locode__icontains=value) | Q(name_zh__icontains=value)
                               | Q(name_en__icontains=value)) if value else queryset
