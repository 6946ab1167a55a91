import factory
from django.contrib.auth.models import Group

from ciq_portal.models import User
from credit.choices import EnterpriseKind
from credit.models import Enterprise, EnterpriseMembership
from credit.validators import uscc_check_character

TEST_PASSWORD = "test-pass-2026"


def make_uscc(n: int) -> str:
    body = f"91330200MA{n:07d}"
    return body + uscc_check_character(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(make_uscc)
    name_zh = factory.Sequence(lambda n: f"测试企业{n}")
    name_en = factory.Sequence(lambda n: f"Test Enterprise {n}")
    kind = EnterpriseKind.IMPORTER


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(role=Role.DECLARANT, enterprise=e)``; the role groups must exist (the ``roles`` fixture)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()

    @factory.post_generation
    def enterprise(self, create, extracted, **kwargs):
        if extracted:
            EnterpriseMembership.objects.create(user=self, enterprise=extracted)

    @factory.post_generation
    def enterprise_role(self, create, extracted, **kwargs):
        """``enterprise_role=MembershipRole.ADMINISTRATOR``: the user administers its enterprise."""
        if extracted:
            self.enterprise_membership.role = extracted
            self.enterprise_membership.save(update_fields=["role"])


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A draft declaration of ``enterprise`` with no lines; add lines with GoodsLineFactory(declaration=...)."""

    class Meta:
        model = "declarations.Declaration"

    number = factory.Sequence(lambda n: f"NGB20261127{n:06d}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    port_of_entry = "NGB"
    departure_country = "AU"
    bill_of_lading = factory.Sequence(lambda n: f"BL{n:08d}")


class GoodsLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "declarations.GoodsLine"

    declaration = factory.SubFactory(DeclarationFactory)
    line_no = factory.Sequence(lambda n: n + 1)
    hs_code = "0306170000"
    description = "Frozen shrimps"
    origin_country = "AU"
    quantity = 1000
    unit = "kg"
    net_weight_kg = 1000
    gross_weight_kg = 1100
    value = 12000
    currency = "USD"
