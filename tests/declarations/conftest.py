import datetime

import pytest
from django.utils import timezone

from declarations.models import DocumentRequirement

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def line(**overrides):
    data = dict(hs_code="0306170000", description="Frozen shrimps", origin_country="AU", quantity="1000", unit="kg",
                net_weight_kg="1000", gross_weight_kg="1100", value="12000", currency="USD")
    data.update(overrides)
    return data


def header(**overrides):
    data = dict(port_of_entry="NGB", transport_mode="sea", bill_of_lading="COSU6301234567",
                containers=["CSQU3054383"], arrival_date=timezone.localdate() + datetime.timedelta(days=2),
                departure_country="AU", trade_terms="CIF")
    data.update(overrides)
    return data


@pytest.fixture
def make_draft(declarant_a, enterprise_a):
    from declarations.services import declaration_create

    def make(enterprise=None, actor=None, lines=None, **kwargs):
        return declaration_create(enterprise=enterprise or enterprise_a, actor=actor or declarant_a,
                                  lines=lines if lines is not None else [line()], **header(**kwargs))

    return make


@pytest.fixture
def no_requirements(db):
    DocumentRequirement.objects.all().delete()
