import factory
from django.utils import timezone

from risk.models import RiskRule
from tests.factories import DeclarationFactory, GoodsLineFactory


class RiskRuleFactory(factory.django.DjangoModelFactory):
    """A draft rule written straight to the table (tests of services go through risk.services)."""

    class Meta:
        model = RiskRule

    code = factory.Sequence(lambda n: f"rule-{n}")
    name = factory.Sequence(lambda n: f"Rule {n}")
    conditions = {"all": [{"field": "hs_code", "op": "prefix", "value": ["0306"]}]}
    add_score = 10


def submitted_declaration(*, enterprise=None, hs_code="0306170000", origin="AU", value=12000, weight=1000,
                          departure="AU", status="submitted", outcome="", submitted_at=None, **kwargs):
    kwargs = {"enterprise": enterprise} if enterprise else {}
    declaration = DeclarationFactory(status=status, departure_country=departure, inspection_outcome=outcome,
                                     submitted_at=submitted_at or timezone.now(), **kwargs)
    GoodsLineFactory(declaration=declaration, line_no=1, hs_code=hs_code, origin_country=origin, value=value,
                     net_weight_kg=weight)
    return declaration


# A rule the tests activate: shrimps (HS 0306) from Viet Nam.
VN_SHRIMP = {"all": [{"field": "hs_code", "op": "prefix", "value": ["0306"]},
                     {"field": "origin_country", "op": "in", "value": ["VN"]}]}
