"""The search box: numbers, containers, bills of lading and enterprises, grouped by kind, each a link; a declarant
finds only its own enterprise's objects; a bad query is refused on its field."""

import pytest
from django.urls import reverse

from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration_a(enterprise_a):
    return DeclarationFactory(enterprise=enterprise_a, number="NGB20261205000123", bill_of_lading="COSU6312345670",
                              containers=["MSCU1234565", "TGHU7654321"])


def _kinds(response) -> dict:
    return {group["kind"]: [hit["title"] for hit in group["hits"]] for group in response.json()}


@pytest.mark.parametrize("query", ["NGB20261205000123", "ngb2026120500012", "COSU6312345670", "mscu1234565"])
def test_the_owner_and_the_bureau_find_a_declaration(api_as, declarant_a, officer, declaration_a, query):
    for user in (declarant_a, officer):
        response = api_as(user).get("/api/v1/search/", {"q": query})
        assert response.status_code == 200
        assert _kinds(response)["declarations"] == ["NGB20261205000123"]


def test_another_enterprise_finds_nothing_of_a(api_as, client, declarant_b, declaration_a, enterprise_a):
    for query in (declaration_a.number, "MSCU1234565", declaration_a.bill_of_lading, enterprise_a.uscc, "甲公司"):
        assert api_as(declarant_b).get("/api/v1/search/", {"q": query}).json() == []
    client.force_login(declarant_b)
    page = client.get(reverse("search"), {"q": declaration_a.number}).content.decode()
    results = page.split('class="search-results"')[1]
    assert declaration_a.number not in results.replace(f"“{declaration_a.number}”", "")


def test_the_bureau_finds_enterprises_by_name_and_code(client, officer, enterprise_a, declaration_a):
    client.force_login(officer)
    page = client.get(reverse("search"), {"q": "Enterprise A"}).content.decode()
    assert reverse("credit:enterprise_detail", args=[enterprise_a.pk]) in page
    page = client.get(reverse("search"), {"q": enterprise_a.uscc.lower()}).content.decode()
    assert reverse("credit:enterprise_detail", args=[enterprise_a.pk]) in page
    page = client.get(reverse("search"), {"q": "MSCU1234565"}).content.decode()
    assert reverse("declarations:detail", args=[declaration_a.pk]) in page


def test_a_declarant_finds_its_own_enterprise(api_as, declarant_a, enterprise_a):
    hits = api_as(declarant_a).get("/api/v1/search/", {"q": enterprise_a.uscc}).json()
    assert hits[0]["kind"] == "enterprises" and hits[0]["hits"][0]["url"] == reverse("credit:my_credit")


@pytest.mark.parametrize("query", ["", "x", "9" * 65])
def test_a_bad_query_is_refused_on_its_field(api_as, client, officer, query):
    response = api_as(officer).get("/api/v1/search/", {"q": query})
    assert response.status_code == 400 and "q" in response.json()["errors"]
    client.force_login(officer)
    page = client.get(reverse("search"), {"q": query})
    assert page.status_code == 400 and 'id="id_q_error"' in page.content.decode()


def test_partner_agencies_search_through_their_own_resources(api_as, client, agency_user, declaration_a):
    assert api_as(agency_user).get("/api/v1/search/", {"q": declaration_a.number}).status_code == 403
    client.force_login(agency_user)
    assert client.get(reverse("search"), {"q": declaration_a.number}).status_code == 403


def test_the_top_bar_offers_the_box_to_those_it_serves(client, declarant_a, agency_user):
    client.force_login(declarant_a)
    assert 'role="search"' in client.get(reverse("declarations:list")).content.decode()
    client.force_login(agency_user)
    assert 'id="topbar-q"' not in client.get(reverse("portal:agency_guide")).content.decode()
