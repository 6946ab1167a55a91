"""The declaration's page is where the declarant does what the release asks next: verify-release's report is
supplied there, on the structured form an officer verifies, without a trip to the release desk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from release import services
from release.choices import NextStep
from tests.inspection.factories import LabFactory

from .factories import FakeAssessment, submitted_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def verify_declaration(hs, draw, enterprise_a, declarant_a):
    enterprise_a.credit_grade = "B"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    decision = services.release_decide(declaration=declaration, actor=declarant_a,
                                       assessment=FakeAssessment(tier="low"))
    assert decision.mode == "verify" and decision.next_step == NextStep.SUPPLY_REPORT
    return declaration


def report_post(lab, **overrides):
    return {"on_page": "declaration", "lab_accreditation_no": lab.accreditation_no, "report_no": "R-77",
            "issued_on": (timezone.localdate() - timedelta(days=3)).isoformat(), "hs_codes": "0306",
            "lot_numbers": "", "results-TOTAL_FORMS": "1", "results-INITIAL_FORMS": "0",
            "results-0-test_item": "lead", "results-0-value": "0.01", "results-0-unit": "mg/kg", **overrides}


def test_the_declaration_page_asks_for_the_structured_report_not_an_upload(client, verify_declaration, declarant_a):
    client.force_login(declarant_a)
    html = client.get(f"/declarations/{verify_declaration.pk}/").content.decode()
    assert f'action="/release/declarations/{verify_declaration.pk}/report/"' in html
    assert 'name="lab_accreditation_no"' in html and 'name="report_no"' in html and 'name="results-0-test_item"' in html
    # The generic "upload, then answer" step would leave the release waiting for a report that never comes.
    assert f'action="/declarations/{verify_declaration.pk}/answer/"' not in html


def test_a_report_supplied_on_the_declaration_page_moves_the_release_on(client, verify_declaration, declarant_a):
    client.force_login(declarant_a)
    response = client.post(f"/release/declarations/{verify_declaration.pk}/report/", report_post(LabFactory()))
    assert response.status_code == 302 and response.url == f"/declarations/{verify_declaration.pk}/"
    verify_declaration.refresh_from_db()
    assert verify_declaration.release_decision.next_step == NextStep.AWAIT_VERIFICATION
    html = client.get(response.url).content.decode()
    assert "R-77" in html


def test_a_refused_report_comes_back_on_the_declaration_page_with_its_errors(client, verify_declaration,
                                                                              declarant_a):
    client.force_login(declarant_a)
    response = client.post(f"/release/declarations/{verify_declaration.pk}/report/",
                           report_post(LabFactory(), report_no=""))
    assert response.status_code == 400
    assert "declarations/detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'id="id_report_no_error"' in html and 'value="R-77"' not in html and 'value="lead"' in html


def test_bureau_staff_see_no_report_form_on_the_declaration_page(client, verify_declaration, officer):
    client.force_login(officer)
    html = client.get(f"/declarations/{verify_declaration.pk}/").content.decode()
    assert 'name="lab_accreditation_no"' not in html
