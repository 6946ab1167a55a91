import django_filters
from django.utils.translation import gettext_lazy as _

from declarations.choices import ReleaseMode

from .choices import ReleaseStatus
from .models import Release


class ReleaseFilterSet(django_filters.FilterSet):
    """Shared by the release list page and the API."""

    mode = django_filters.ChoiceFilter(choices=ReleaseMode.choices, label=_("Release mode"))
    status = django_filters.ChoiceFilter(choices=ReleaseStatus.choices, label=_("Status"))
    released_from = django_filters.DateFilter(field_name="released_on", lookup_expr="gte", label=_("Released from"))
    released_to = django_filters.DateFilter(field_name="released_on", lookup_expr="lte", label=_("Released until"))
    number = django_filters.CharFilter(field_name="declaration__number", lookup_expr="icontains",
                                       label=_("Declaration number"))
    port = django_filters.CharFilter(field_name="port", label=_("Port"))

    class Meta:
        model = Release
        fields = ["mode", "status", "released_from", "released_to", "number", "port"]
