import factory
from django.utils import timezone

from credit.choices import CreditEventKind, CreditEventSource
from credit.grading import default_weight
from credit.models import CreditEvent

from ..factories import EnterpriseFactory


class CreditEventFactory(factory.django.DjangoModelFactory):
    """A raw event row (no regrade); use credit_event_record to exercise the service."""

    class Meta:
        model = CreditEvent

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = CreditEventKind.INSPECTION_PASSED
    occurred_on = factory.LazyFunction(timezone.localdate)
    source = CreditEventSource.SYSTEM
    source_name = "system"
    weight = factory.LazyAttribute(lambda o: default_weight(o.kind))
