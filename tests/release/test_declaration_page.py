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


@pytest.fixture
def recalled(hs, draw, enterprise_a, declarant_a, officer):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    release = declaration.release
    services.distribution_record_add(release=release, buyer_name="Buyer One", buyer_contact="one@buyer.cn",
                                     quantity="10", unit="kg", distributed_on=timezone.localdate(), actor=declarant_a)
    services.recall_open(release=release, source="manual", reason="Labels wrong", actor=officer)
    return release


def test_a_recalled_consignment_tells_its_importer_what_to_do_not_that_nothing_is_needed(client, recalled,
                                                                                        declarant_a):
    client.force_login(declarant_a)
    html = client.get(f"/declarations/{recalled.declaration_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="recall-alert" role="alert"' in html and "Labels wrong" in html
    assert "1 buyer recorded" in html
    assert "Record every buyer you sold these goods to" in html
    assert f'href="/release/releases/{recalled.pk}/#distribution"' in html
    next_steps = html.split('id="next-steps"')[1].split("</section>")[0]
    assert "Nothing: the goods are released" not in next_steps and "The goods are released." not in next_steps


def test_the_release_page_of_a_recall_lists_the_importers_next_steps(client, recalled, declarant_a):
    client.force_login(declarant_a)
    html = client.get(f"/release/releases/{recalled.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="recall-alert"' in html and "What to do now" in html and 'id="distribution"' in html


def test_a_released_consignment_without_recall_shows_no_recall_alert(client, hs, draw, enterprise_a, declarant_a):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    client.force_login(declarant_a)
    html = client.get(f"/declarations/{declaration.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "recall-alert" not in html and "The goods are released." in html


def test_the_public_trace_page_names_the_country_of_origin(client, hs, draw, enterprise_a):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    declaration.lines.update(origin_country="EC")
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    trace = f"/t/{declaration.release.trace_code}/"
    assert "<dd>厄瓜多尔</dd>" in client.get(trace, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<dd>Ecuador</dd>" in client.get(trace, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_public_trace_page_explains_the_release_mode(client, hs, draw, enterprise_a):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    html = client.get(f"/t/{declaration.release.trace_code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Declare-release" in html and "checked by the bureau at random afterwards" in html


@pytest.mark.parametrize("language, name", [("zh-hans", "宁波 (CNNGB)"), ("en", "Ningbo (CNNGB)")])
def test_the_public_trace_page_names_the_port(client, hs, draw, enterprise_a, language, name):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    html = client.get(f"/t/{declaration.release.trace_code}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<dd>{name}</dd>" in html
