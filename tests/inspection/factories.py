from datetime import date, timedelta

import factory
from django.utils import timezone

from inspection.choices import LabKind, SiteKind
from inspection.models import InspectionSite, Lab, OfficerProfile, OfficerShift


class InspectionSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionSite

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"Site {n}")
    kind = SiteKind.GENERAL
    port = "NGB"
    capacity_per_day = 100


class OfficerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerProfile
        skip_postgeneration_save = True

    badge_no = factory.Sequence(lambda n: f"B{n:05d}")
    categories = factory.LazyFunction(lambda: ["aquatic", "food", "meat"])

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if extracted:
            self.sites.set(extracted)

    @factory.post_generation
    def on_duty(self, create, extracted, **kwargs):
        if extracted is None or extracted:
            now = timezone.now()
            OfficerShift.objects.create(officer=self, starts_at=now - timedelta(hours=4),
                                        ends_at=now + timedelta(hours=8))


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab

    name = factory.Sequence(lambda n: f"Lab {n}")
    kind = LabKind.THIRD_PARTY
    accreditation_no = factory.Sequence(lambda n: f"CNAS L{n:04d}")
    scope_categories = factory.LazyFunction(lambda: ["aquatic", "food"])
    scope_test_items = factory.LazyFunction(lambda: ["chloramphenicol", "lead", "total_bacteria"])
    valid_from = factory.LazyFunction(lambda: date.today() - timedelta(days=400))
    valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=400))
