from datetime import timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CreditEventKind, ObjectionStatus
from .models import CreditEvent, Enterprise, GradeChange, GradeObjection

RECENT_CHOICES = [("7", _("in the last 7 days")), ("30", _("in the last 30 days")), ("90", _("in the last 90 days")),
                  ("365", _("in the last year"))]


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    changed_within = django_filters.ChoiceFilter(choices=RECENT_CHOICES, method="filter_changed_within",
                                                 label=_("Grade changed"))

    class Meta:
        model = Enterprise
        fields = ["kind", "status", "credit_grade", "uscc"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name_zh__icontains=value) | Q(name_en__icontains=value) | Q(uscc__iexact=value))

    def filter_changed_within(self, queryset, name, value):
        since = timezone.now() - timedelta(days=int(value))
        return queryset.filter(Exists(GradeChange.objects.filter(enterprise=OuterRef("pk"), changed_at__gte=since)))


class DeclarantCreditEventFilterSet(django_filters.FilterSet):
    """A declarant's filters: not by an agency's reference, which is withheld from them (even as a yes/no answer)."""

    kind = django_filters.ChoiceFilter(choices=CreditEventKind.choices, label=_("Kind"))
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("From"))
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = CreditEvent
        fields = ["enterprise", "kind", "source"]


class CreditEventFilterSet(DeclarantCreditEventFilterSet):
    """The bureau's and the agencies' filters."""

    class Meta:
        model = CreditEvent
        fields = ["enterprise", "kind", "source", "external_reference"]


class GradeObjectionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ObjectionStatus.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = GradeObjection
        fields = ["status", "enterprise"]

    def filter_overdue(self, queryset, name, value):
        condition = Q(status__in=[ObjectionStatus.FILED, ObjectionStatus.UNDER_REVIEW],
                      due_on__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

