import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import LabStatus, Priority, TaskReason, TaskStatus
from .models import InspectionTask, JointInspection, Lab, TestReport


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


class TestReportFilterSet(django_filters.FilterSet):
    """Third-party test reports: those of one declaration (``?declaration=<id>``), by report number, by outcome."""

    declaration = django_filters.NumberFilter(field_name="declaration_id", label=_("Declaration"))

    class Meta:
        model = TestReport
        fields = ["declaration", "report_no", "check_ok"]
