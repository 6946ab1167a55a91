import pytest

from .factories import draw, hs_codes  # noqa: F401


@pytest.fixture
def hs(db):
    hs_codes()


@pytest.fixture
def site(db):
    from tests.inspection.factories import InspectionSiteFactory

    return InspectionSiteFactory(code="NGB-CC", port="NGB", kind="cold_chain")


@pytest.fixture
def inspector(officer, site):
    from tests.inspection.factories import OfficerProfileFactory

    OfficerProfileFactory(user=officer, categories=["aquatic", "meat", "machinery", "food"], sites=[site])
    return officer
