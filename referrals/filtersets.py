import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import ReferralDirection, ReferralKind, ReferralStatus
from .models import CaseReferral


class CaseReferralFilterSet(django_filters.FilterSet):
    """Shared by the officers' page and the API."""

    direction = django_filters.ChoiceFilter(choices=ReferralDirection.choices, label=_("Direction"))
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ReferralKind.choices, label=_("Kind"))
    agency = django_filters.CharFilter(field_name="agency__code", label=_("Agency"))
    declaration = django_filters.CharFilter(field_name="declaration__number", label=_("Declaration number"))

    class Meta:
        model = CaseReferral
        fields = ["direction", "status", "kind", "agency", "declaration"]
