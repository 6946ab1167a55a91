"""The inspection REST face refuses a declarant by role before it reads the body: 403, never a 400, no row changed."""

import pytest

from ciq_portal.models import AuditEntry
from declarations.models import Declaration
from inspection import services
from inspection.api.views import InspectionTaskViewSet
from inspection.models import InspectionTask, JointFinding, JointInspection
from referrals.models import CaseEvidence, CaseReferral
from referrals.services import case_referral_create
from tests.ciq_portal.factories import make_agency

pytestmark = pytest.mark.django_db

# Empty, and wrong in every field the actions read, so a body check running first would answer 400.
BODIES = [{}, {"conclusion": "nope", "officer": "x", "reason": "", "site": "x", "appointment_at": "x",
               "agency": "nope", "result": "nope", "outcome": "nope", "detail": "", "description": ""}]
# The viewset's actions, and the conclusion, which runs the clearance pipeline (release's, on the same resource).
TASK_ACTIONS = sorted([*(a.url_path for a in InspectionTaskViewSet.get_extra_actions() if "post" in a.mapping),
                       "conclude"])
JOINT_ACTIONS = ["schedule", "findings"]
REFERRAL_ACTIONS = ["acknowledge", "outcome", "withdraw", "evidence"]


@pytest.fixture
def task(declaration, officers, create_task):
    return create_task(declaration)


@pytest.fixture
def joint(agency_user, declaration):
    return services.joint_inspection_request(actor=agency_user, agency="customs", kind="container",
                                             declaration=declaration, container_no="MSKU1234567")


@pytest.fixture
def referral(officer, declaration):
    make_agency("customs")
    return case_referral_create(actor=officer, kind="counterfeit", summary="Fake labels", agency="customs",
                                declaration=declaration)


def rows():
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Declaration, InspectionTask, JointInspection, JointFinding, CaseReferral, CaseEvidence,
                          AuditEntry)}


def test_every_officer_action_on_a_task_is_listed():
    # A new POST action shows up here and so in the tests below.
    assert {"claim", "release", "reassign", "conclude"} <= set(TASK_ACTIONS)


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("action", TASK_ACTIONS)
def test_declarants_may_not_act_on_tasks(api_as, declarant_a, declarant_b, task, action, body):
    before = rows()
    # Their own consignment's task, another enterprise's, and none at all: the same refusal, so nothing leaks.
    for user, pk in ((declarant_a, task.pk), (declarant_b, task.pk), (declarant_a, task.pk + 1000)):
        response = api_as(user).post(f"/api/v1/inspection-tasks/{pk}/{action}/", body, format="json")
        assert response.status_code == 403, (user, pk, response.content)
        assert response.json()["errors"] == {}
    assert rows() == before


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("action", JOINT_ACTIONS)
def test_declarants_may_not_act_on_joint_inspections(api_as, declarant_a, joint, action, body):
    before = rows()
    response = api_as(declarant_a).post(f"/api/v1/joint-inspections/{joint.pk}/{action}/", body, format="json")
    assert response.status_code == 403, response.content
    assert api_as(declarant_a).post("/api/v1/joint-inspections/", body, format="json").status_code == 403
    assert rows() == before


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("action", REFERRAL_ACTIONS)
def test_declarants_may_not_act_on_case_referrals(api_as, declarant_a, referral, action, body):
    before = rows()
    response = api_as(declarant_a).post(f"/api/v1/case-referrals/{referral.pk}/{action}/", body, format="json")
    assert response.status_code == 403, response.content
    assert api_as(declarant_a).post("/api/v1/case-referrals/", body, format="json").status_code == 403
    assert rows() == before


def test_officers_still_get_the_body_checked_and_only_supervisors_reassign(api_as, task):
    officer = api_as(task.assigned_to)
    response = officer.post(f"/api/v1/inspection-tasks/{task.pk}/conclude/", {"conclusion": "nope"}, format="json")
    assert response.status_code == 400 and "conclusion" in response.json()["errors"]
    reassign = officer.post(f"/api/v1/inspection-tasks/{task.pk}/reassign/", {}, format="json")
    assert reassign.status_code == 403
