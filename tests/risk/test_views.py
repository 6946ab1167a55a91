"""Pages and API: analysts edit rules; declarants never see an assessment or its reasons."""

import pytest
from django.urls import reverse
from django.utils import timezone

from risk import services
from risk.models import RiskRule

from .factories import submitted_declaration


@pytest.fixture
def assessed(analyst, supervisor, enterprise_a):
    rule = services.rule_create(actor=analyst, code="vn", name="Secret targeting rule",
                                conditions=[{"field": "origin_country", "op": "in", "value": ["VN"]}], add_score=50)
    services.rule_activate(rule=rule, actor=supervisor)
    declaration = submitted_declaration(enterprise=enterprise_a, origin="VN")
    return services.declaration_assess(declaration=declaration)


@pytest.mark.django_db
def test_declarant_never_sees_reasons_pages(client, declarant_a, assessed):
    client.force_login(declarant_a)
    url = reverse("risk:declaration_assessments", args=[assessed.declaration_id])
    assert client.get(url).status_code == 404
    for name in ("risk:home", "risk:rule_list", "risk:performance", "risk:model_list", "risk:bulletin_list"):
        response = client.get(reverse(name))
        assert response.status_code in (403, 404)
        assert b"Secret targeting rule" not in response.content


@pytest.mark.django_db
def test_declarant_never_sees_reasons_api(api_as, declarant_a, officer, assessed):
    api = api_as(declarant_a)
    listing = api.get("/api/v1/risk-assessments/")
    assert listing.status_code == 200 and b"Secret targeting rule" not in listing.content
    assert api.get(f"/api/v1/risk-assessments/{assessed.pk}/").status_code == 404
    assert api.get("/api/v1/risk-rules/").status_code == 403
    officer_view = api_as(officer).get(f"/api/v1/risk-assessments/?declaration={assessed.declaration_id}")
    assert officer_view.status_code == 200 and b"Secret targeting rule" in officer_view.content


@pytest.mark.django_db
def test_officer_sees_assessment_page(client, officer, assessed):
    client.force_login(officer)
    response = client.get(reverse("risk:declaration_assessments", args=[assessed.declaration_id]))
    assert response.status_code == 200 and "Secret targeting rule" in response.content.decode()


@pytest.mark.django_db
def test_analyst_creates_rule_in_browser_and_sees_errors(client, analyst, supervisor):
    client.force_login(analyst)
    bad = client.post(reverse("risk:rule_create"), {
        "code": "bad", "name": "Bad", "conditions": '[{"field": "colour", "op": "eq", "value": "red"}]',
        "add_score": 10})
    assert bad.status_code == 200 and "colour" in bad.content.decode()
    assert not RiskRule.objects.filter(code="bad").exists()
    good = client.post(reverse("risk:rule_create"), {
        "code": "good", "name": "Good", "conditions": '[{"field": "hs_code", "op": "prefix", "value": ["0306"]}]',
        "add_score": 10})
    rule = RiskRule.objects.get(code="good")
    assert good.status_code == 302 and rule.status == "draft" and rule.owner == analyst
    asked = client.post(reverse("risk:rule_move", args=[rule.pk, "activate"]), follow=True,
                        HTTP_ACCEPT_LANGUAGE="en")
    rule.refresh_from_db()
    assert rule.status == "draft" and "Activation requested" in asked.content.decode()
    assert "Activation asked by analyst" in asked.content.decode()
    client.force_login(supervisor)  # the second pair of eyes
    client.post(reverse("risk:rule_move", args=[rule.pk, "activate"]))
    rule.refresh_from_db()
    assert rule.status == "active"
    client.force_login(analyst)
    page = client.get(reverse("risk:rule_detail", args=[rule.pk]) + "?days=30")
    assert page.status_code == 200
    assert '&quot;field&quot;: &quot;hs_code&quot;' in page.content.decode()  # the conditions as JSON, as written
    for name in ("risk:home", "risk:rule_list", "risk:performance", "risk:model_list", "risk:bulletin_list",
                 "risk:bulletin_create"):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_bulletins_for_officers_agencies_and_public(client, api_as, analyst, officer, agency_user):
    draft = services.bulletin_create(actor=analyst, title_zh="草稿", title_en="Draft bulletin", hazard="fraud",
                                     valid_from=timezone.localdate())
    published = services.bulletin_create(actor=analyst, title_zh="非洲猪瘟", title_en="ASF warning",
                                         hazard="animal_disease", hs_prefixes=["0203"],
                                         valid_from=timezone.localdate())
    services.bulletin_publish(bulletin=published, actor=analyst)
    agency = api_as(agency_user).get("/api/v1/risk-bulletins/")
    assert agency.status_code == 200
    assert b"ASF warning" in agency.content and b"Draft bulletin" not in agency.content
    client.force_login(officer)
    page = client.get(reverse("risk:bulletin_list")).content.decode()
    assert "Draft bulletin" not in page
    client.logout()
    public = client.get(reverse("risk:public_bulletins"))
    assert public.status_code == 200
    text = public.content.decode()
    assert "非洲猪瘟" in text or "ASF warning" in text
    assert "草稿" not in text and draft.title_en not in text


def _rows(*rows, match="all"):
    data = {"cond-TOTAL_FORMS": str(len(rows)), "cond-INITIAL_FORMS": "0", "cond-MIN_NUM_FORMS": "0",
            "cond-MAX_NUM_FORMS": "30", "match": match}
    for i, (field, op, value) in enumerate(rows):
        data.update({f"cond-{i}-field": field, f"cond-{i}-op": op, f"cond-{i}-value": value})
    return data


@pytest.mark.django_db
def test_analyst_builds_conditions_row_by_row(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("risk:rule_create"), {
        "code": "vn-shrimp", "name": "Shrimps from Viet Nam", "add_score": 20,
        **_rows(("hs_code", "prefix", "0306"), ("origin_country", "in", "vn，th"), ("new_importer", "eq", "是"),
                ("value", "between", "1000, 50000"), ("", "", ""))})
    assert response.status_code == 302
    rule = RiskRule.objects.get(code="vn-shrimp")
    assert rule.conditions == {"all": [
        {"field": "hs_code", "op": "prefix", "value": ["0306"]},
        {"field": "origin_country", "op": "in", "value": ["VN", "TH"]},
        {"field": "new_importer", "op": "eq", "value": True},
        {"field": "value", "op": "between", "value": [1000.0, 50000.0]}]}
    page = client.get(reverse("risk:rule_edit", args=[rule.pk])).content.decode()
    assert 'name="cond-1-value"' in page and 'value="VN, TH"' in page


@pytest.mark.django_db
def test_every_bad_row_is_named_in_one_round(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("risk:rule_create"), {
        "code": "bad-rows", "name": "Bad", "add_score": 5,
        **_rows(("origin_country", "in", "XX, VN"), ("value", "gt", "lots"), ("new_importer", "in", "yes"),
                ("hs_code", "prefix", "03.06"))})
    assert response.status_code == 200 and not RiskRule.objects.filter(code="bad-rows").exists()
    errors = [row.errors for row in response.context["form"].rows]
    assert "value" in errors[0] and "XX" in errors[0]["value"][0]
    assert "value" in errors[1]
    assert "op" in errors[2]
    assert "value" in errors[3]


@pytest.mark.django_db
def test_bad_json_is_reported_in_the_readers_language(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("risk:rule_create"), {"code": "json", "name": "J", "add_score": 1,
                                                         "conditions": '{"all": [}'})
    message = response.context["form"].errors["conditions"][0]
    assert "column 10" in message.replace("第 10 列", "column 10") and "Expecting" not in message
