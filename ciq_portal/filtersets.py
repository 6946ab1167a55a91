"""FilterSets of the portal's own lists, shared by their pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditHead, MessageChannel, MessageDelivery, MessagePurpose, MessageStatus


class AuditHeadFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="published_day", lookup_expr="gte", label=_("from day"))
    until = django_filters.DateFilter(field_name="published_day", lookup_expr="lte", label=_("to day"))

    class Meta:
        model = AuditHead
        fields = ["since", "until"]


class MessageDeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MessageStatus.choices, label=_("status"))
    channel = django_filters.ChoiceFilter(choices=MessageChannel.choices, label=_("channel"))
    purpose = django_filters.ChoiceFilter(choices=MessagePurpose.choices, label=_("purpose"))
    recipient = django_filters.CharFilter(lookup_expr="icontains", label=_("recipient"))
    reference = django_filters.CharFilter(label=_("reference"))

    class Meta:
        model = MessageDelivery
        fields = ["status", "channel", "purpose", "recipient", "reference"]
