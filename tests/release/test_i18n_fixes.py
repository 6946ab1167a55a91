"""The release app's stored texts keep every language whoever's request wrote them (rejections, recalls), and the
decision page names what made a mode stricter in the reader's language, for new and older decisions alike."""

import pytest
from django.utils import timezone, translation

from credit.models import CreditEvent
from declarations.models import DeclarationEvent
from inspection import services as inspection_services
from release import services
from release.models import EnterpriseTightening, ReleaseDecision
from tests.inspection.factories import LabFactory

from .factories import submitted_declaration
from .test_services import _sample, decide, grade

pytestmark = pytest.mark.django_db


def _languages(event):
    return event.message_translations.get("zh-hans", ""), event.message_translations.get("en", "")


def test_non_conform_rejection_is_stored_in_both_languages(hs, draw, enterprise_a, declarant_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "D"))
    decision = decide(declaration, declarant_a, tier="low")
    task, _sample_taken = _sample(decision.task, inspector)
    with translation.override("en"):  # an officer reading the portal in English concludes
        services.clearance_conclude(task=task, conclusion="non_conform", disposition="return", actor=inspector)
    event = DeclarationEvent.objects.get(declaration=declaration, kind="reject")
    zh, en = _languages(event)
    assert zh == "不合格；处置方式：退运。" == event.message
    assert en == "Non-conform; disposition: Return."


def test_report_refusal_is_stored_in_both_languages_with_the_officer_s_words(hs, draw, enterprise_a, declarant_a,
                                                                              officer):
    declaration = submitted_declaration(grade(enterprise_a, "B"))
    decide(declaration, declarant_a, tier="low")
    lab = LabFactory(status="suspended")
    report = inspection_services.test_report_submit(
        declaration=declaration, lab_accreditation_no=lab.accreditation_no, report_no="R-9",
        issued_on=timezone.localdate(), hs_codes=["0306"], results=[], actor=declarant_a)
    services.verify_report_supplied(declaration=declaration, report=report, actor=declarant_a)
    with translation.override("en"):
        services.verify_release_decide(declaration=declaration, report=report, accept=False, actor=officer,
                                       reason=" Laboratory suspended ")
    zh, en = _languages(DeclarationEvent.objects.get(declaration=declaration, kind="reject"))
    assert zh == "检测报告不予采信：Laboratory suspended"
    assert en == "Test report refused: Laboratory suspended"


def test_lab_failure_texts_keep_every_language_and_the_next_decision_page_names_it(
        client, hs, draw, enterprise_a, declarant_a, inspector, officer):
    declaration = submitted_declaration(grade(enterprise_a, "C"))
    decision = decide(declaration, declarant_a, tier="low")
    task, sample = _sample(decision.task, inspector)
    release = services.sample_release(task=task, actor=inspector)
    order = inspection_services.lab_order_create(task=task, sample=sample, lab=LabFactory(kind="bureau"),
                                                 test_items=["lead"], actor=inspector)
    inspection_services.lab_result_record(order=order, results=[{"test_item": "lead", "value": "0.9",
                                                                 "limit_max": "0.5"}], actor=inspector)
    with translation.override("en"):
        services.clearance_conclude(task=task, conclusion="non_conform", disposition="destroy", actor=inspector)
    zh, en = _languages(DeclarationEvent.objects.get(declaration=declaration, kind="recalled"))
    assert zh == f"召回该批货物：抽样放行后实验室检测不合格（查验任务 #{task.pk}）。"
    assert en == f"Recall of the lot: Laboratory failure after sample-release (inspection #{task.pk})."
    recall = release.recalls.get()
    assert recall.reason == f"抽样放行后实验室检测不合格（查验任务 #{task.pk}）。"  # the default language
    tightening = EnterpriseTightening.objects.get(enterprise=enterprise_a)
    assert tightening.reason == f"{declaration.number} 抽样放行后实验室检测不合格"
    for event in CreditEvent.objects.filter(enterprise=enterprise_a, kind="lab_failure"):
        assert "Laboratory" not in event.note

    following = decide(submitted_declaration(enterprise_a), declarant_a, tier="low")
    assert following.forced_by[0]["source_declaration"] == declaration.number
    client.force_login(officer)
    url = f"/release/declarations/{following.declaration_id}/"
    page = client.get(url).content.decode()
    assert "企业加严监管" in page and f"{declaration.number} 抽样放行后实验室检测不合格" in page
    assert "(tightening)" not in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Laboratory failure after sample-release of {declaration.number}" in english


def test_decision_page_names_the_negative_list_in_the_reader_s_language(client, hs, draw, enterprise_a, supervisor,
                                                                        officer):
    services.negative_list_add(kind="category", value="meat", reason="FMD watch", actor=supervisor)
    declaration = submitted_declaration(grade(enterprise_a, "AA"), hs_code="0201300000")
    with translation.override("en"):  # decided during an English request
        decision = decide(declaration, None, tier="low")
    forced = decision.forced_by[0]
    assert forced["code"] == "negative_list" and (forced["kind"], forced["value"]) == ("category", "meat")
    client.force_login(officer)
    url = f"/release/declarations/{declaration.pk}/"
    page = client.get(url).content.decode()
    with translation.override("zh-hans"):
        from declarations.choices import CommodityCategory
        from release.choices import NegativeListKind

        kind, meat = str(NegativeListKind.CATEGORY.label), str(CommodityCategory.MEAT.label)
    assert "负面清单" in page and f"{kind} {meat}: FMD watch" in page
    assert "Commodity category" not in page and "(negative_list)" not in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "negative list" in english and "Commodity category Meat: FMD watch" in english


def test_decision_page_still_shows_decisions_stored_before(client, hs, draw, enterprise_a, officer):
    declaration = submitted_declaration(grade(enterprise_a, "AA"))
    decision = decide(declaration, None, tier="low")
    ReleaseDecision.objects.filter(pk=decision.pk).update(forced_by=[
        {"code": "risk", "mode": "sample", "label": "risk assessment"},
        {"code": "negative_list", "mode": "supervised", "entry": 1, "label": "HS code (prefix) 0306: old watch"},
        {"code": "tightening", "mode": "supervised", "tightening": 1, "label": "Old tightening reason"},
    ])
    client.force_login(officer)
    page = client.get(f"/release/declarations/{declaration.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "风险评估" in html and "risk assessment" not in html
    assert "HS code (prefix) 0306: old watch" in html and "Old tightening reason" in html


def test_matrix_api_names_the_field_in_the_reader_s_language(api_as, supervisor):
    response = api_as(supervisor).post("/api/v1/release-matrix/", {"cells": "all declare"}, format="json")
    assert response.status_code == 400
    assert "单元格" in str(response.json())
    english = api_as(supervisor).post("/api/v1/release-matrix/", {"cells": "all declare"}, format="json",
                                      HTTP_ACCEPT_LANGUAGE="en")
    assert "Cells:" in str(english.json())
