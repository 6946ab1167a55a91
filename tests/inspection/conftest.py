import pytest

from ciq_portal.roles import Role
from declarations.models import HSCode
from tests.factories import DeclarationFactory, GoodsLineFactory, UserFactory

from .factories import InspectionSiteFactory, LabFactory, OfficerProfileFactory


@pytest.fixture
def hs_codes(db):
    HSCode.objects.get_or_create(code="0306", defaults={"name_zh": "甲壳动物", "name_en": "Crustaceans",
                                                        "category": "aquatic"})
    HSCode.objects.get_or_create(code="3304", defaults={"name_zh": "美容品", "name_en": "Beauty products",
                                                        "category": "cosmetics"})


@pytest.fixture
def cold_site(db):
    return InspectionSiteFactory(code="NGB-CC", kind="cold_chain", capacity_per_day=100)


@pytest.fixture
def general_site(db):
    return InspectionSiteFactory(code="NGB-G1", kind="general")


@pytest.fixture
def officers(roles, cold_site, general_site):
    """Three on-duty officers qualified for aquatic goods at both sites."""
    profiles = []
    for n in range(3):
        user = UserFactory(username=f"insp{n}", role=Role.OFFICER)
        profiles.append(OfficerProfileFactory(user=user, sites=[cold_site, general_site]))
    return profiles


@pytest.fixture
def declaration(hs_codes, enterprise_a):
    declaration = DeclarationFactory(enterprise=enterprise_a, status="awaiting_inspection", release_mode="supervised")
    GoodsLineFactory(declaration=declaration, line_no=1, hs_code="0306170000", lot_numbers="LOT1")
    return declaration


@pytest.fixture
def make_declaration(hs_codes, enterprise_a):
    def make(enterprise=None, hs_code="0306170000", **kwargs):
        declaration = DeclarationFactory(enterprise=enterprise or enterprise_a, status="awaiting_inspection",
                                         release_mode=kwargs.pop("release_mode", "supervised"), **kwargs)
        GoodsLineFactory(declaration=declaration, line_no=1, hs_code=hs_code)
        return declaration

    return make


@pytest.fixture
def lab(db):
    return LabFactory()


@pytest.fixture
def create_task(django_capture_on_commit_callbacks):
    """Create a task the way the pipeline does, running the dispatch queued on commit."""
    from inspection.services import inspection_task_create

    def make(declaration, reason="risk", mode="supervised", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            task = inspection_task_create(declaration=declaration, reason=reason, mode=mode, **kwargs)
        task.refresh_from_db()
        return task

    return make
